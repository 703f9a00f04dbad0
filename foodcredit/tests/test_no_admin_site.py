"""No way round the services: Django's admin site is not served (SECURITY.md A3 — no bypass, the admin included)."""

import pytest

from foodcredit.accounts.models import User


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/accounts/user/", "/admin/core/auditevent/"])
def test_the_django_admin_site_is_not_served_even_to_a_superuser(client, path):
    superuser = User.objects.create_superuser("root2", password="Zx9!long-enough-pass", role=User.Role.SYSTEM_ADMIN)
    assert client.get(path).status_code == 404
    client.force_login(superuser)
    assert client.get(path).status_code == 404
