"""Kanal: the public information and complaint platform of an Indonesian city government."""
