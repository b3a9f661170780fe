"""rdtr — an RDTR (Rencana Detail Tata Ruang, detailed spatial plan) information system.

The core library: plan packages, ingestion into PostGIS, and the questions users ask
("what zone is this point in, what is permitted on this parcel"). It imports no web framework.
"""

__version__ = "0.1.0"
