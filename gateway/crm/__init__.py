"""The CRM connector (Salesforce GraphQL API, v66.0), the mirror sync and the live source."""
