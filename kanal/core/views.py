"""Public files read through the configured storage (local folder or S3, kanal/settings.py).

Only the public information list's documents (``ppid/dip/``) are public; every other
upload is served by its app's view after a permission check.
"""

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def public_document(request, path: str):
    """``path`` under ppid/dip/ from the default storage, or 404."""
    name = PurePosixPath(path).name
    if not path.startswith("ppid/dip/") or name.startswith(".") or path.count("/") != 2:
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    return FileResponse(default_storage.open(path, "rb"), filename=name)
