"""`python -m gateway` runs the same CLI as the `partner-gateway` console script."""

from gateway.cli.main import app

app(prog_name="partner-gateway")
