"""Hearth's own middleware."""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control


def no_store(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable[[HttpRequest], HttpResponseBase]:
    """Nothing Hearth answers is kept by a browser or a proxy: a council's computers are shared, and the back
    button after signing out must not show a child's record. Static files (WhiteNoise, above this in
    MIDDLEWARE) are the only answers that may be cached, and they hold no case content."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)  # a view's own rule, made no weaker
        else:
            add_never_cache_headers(response)
        return response

    return middleware
