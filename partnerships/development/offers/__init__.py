"""The team's offer for a pilot: a structured draft, submitted before the deadline, frozen."""

from partnerships.development.offers.api import OfferApi, licence_list
from partnerships.development.offers.pages import OfferPages
from partnerships.development.offers.submitting import OWNER_TYPE, RECEIPT_OWNER_TYPE, reader

ROUTERS: list = [OfferApi, licence_list, OfferPages]
READERS: dict = {OWNER_TYPE: reader, RECEIPT_OWNER_TYPE: reader}
