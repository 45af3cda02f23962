"""The development workspace per selected team: dates, contacts, checklist, meetings, files."""

from partnerships.development.workspace.api import StaffDevelopmentApi, WorkspaceApi
from partnerships.development.workspace.pages import WorkspacePages
from partnerships.development.workspace.services import OWNER_TYPE, file_reader
from partnerships.development.workspace.staff_pages import StaffDevelopmentPages

ROUTERS: list = [WorkspaceApi, StaffDevelopmentApi, WorkspacePages, StaffDevelopmentPages]
READERS: dict = {OWNER_TYPE: file_reader}
