"""The API's documentation page (/api/v1/docs): Swagger UI from npm (swagger-ui-dist), served by the app.

django-ninja's own page renders its CDN template unless "ninja" is an installed app, and a CDN is refused twice here:
bureaus run on intranets, and the Content-Security-Policy allows scripts from 'self' only. This page loads the bundle
from the app's static files and starts it from a static script (no inline script), so the policy stays 'self'.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class AppSwagger(DocsBase):
    """Swagger UI with the settings as JSON data (json_script, escaped) (read by core/static/js/api-docs.js) and Django's CSRF token for the
    "Try it out" requests of a logged-in user (the API authenticates with the session)."""

    template = "api/docs.html"
    settings: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": True, "docExpansion": "list"}

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": config})
