"""Open data (issue 9): the OCDS 1.1.5 release and record packages of every signed partnership
(one release builder, also used for the releases embedded in the contract PDFs), flat CSV
exports, the public project pages and the staff's funding overview.

``build`` and ``load_facts`` are the package's entry points for benchmarks and tools."""

from partnerships.opendata.facts import load_facts
from partnerships.opendata.packages import build

__all__ = ["build", "load_facts"]
