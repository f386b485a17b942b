"""Mutations: input objects in, `{ <object>, userErrors }` payloads out."""
