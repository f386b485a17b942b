"""The vendor's own staff (channel managers, admins, analysts); the `vendor_users` table."""

from gateway.store.scope import ScopedColumns
from gateway.store.table import Table

VENDOR_USERS = Table(
    name="vendor_users",
    alias="v",
    columns=("id", "email", "name", "role", "active", "created_at"),
    # Vendor staff belong to no partner; who may read them is decided by field access.
    scoped=ScopedColumns(partner=None, owner=None),
    order_columns=frozenset({"id"}),
)
