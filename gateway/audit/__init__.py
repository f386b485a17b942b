"""The audit trail: every mutation and every denial, who, what, outcome and why."""
