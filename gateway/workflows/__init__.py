"""The PRM workflows: the rules behind every mutation, run in one transaction each."""
