"""Interface language: Indonesian unless the visitor chose English with the switch.

Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in
Indonesia are set to English; the city's site speaks Indonesian first, so only the
explicit choice (the language cookie set by the switch on every page) changes it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: a thread serves many visitors (gthread, the test
        # client), and one visitor's English must not become the next one's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy: only Kanal may ask for the location; no camera, mic, payment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if value := getattr(settings, "KANAL_PERMISSIONS_POLICY", ""):
            response.headers.setdefault("Permissions-Policy", value)
        return response
