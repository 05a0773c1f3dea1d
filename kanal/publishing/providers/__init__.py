"""Thin httpx clients for the social providers (one module each).

They know the providers' paths, parameters and error shapes and nothing about Kanal's
tables: the cross-post actions decide what to call and record what came back.
"""
