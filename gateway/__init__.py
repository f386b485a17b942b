"""Partner Gateway: a GraphQL API between a vendor's CRM and its channel partners."""

__version__ = "0.1.0"
