"""Write-back to the CRM through the outbox: entries committed beside deal changes, delivered
by a worker that retries per the contract and never creates a second Lead for one deal."""
