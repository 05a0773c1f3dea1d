"""django-helpdesk (from PyPI, in its own venv under bench/.peer/) as the peer benchmark's site.

Only used by ``bench/peer.py``; never imported by Kanal.
"""
