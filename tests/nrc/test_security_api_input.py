"""Bad input to the API is a 400 naming the parameter, never silently ignored; unknown URLs answer JSON."""

import pytest

from nrc.models import ApiToken


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": ""}, "page"),
        ({"page_size": "-3"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"active_on": ""}, "active_on"),
        ({"active_on": "2004-13-40"}, "active_on"),
    ],
)
def test_bad_paging_and_filter_values_are_400_naming_the_field(api_client, auditor, query, field):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/members/", query)
    assert response.status_code == 400
    assert list(response.data) == [field]


@pytest.mark.django_db
def test_booleans_must_be_readable(api_client, auditor):
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/areas/", {"is_reference": "null"}).data == {"is_reference": ["Enter true or false."]}
    assert api_client.get("/api/v1/areas/", {"is_reference": "true"}).data["count"] == 9


@pytest.mark.django_db
def test_an_empty_text_filter_means_no_filter(api_client, auditor):
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/members/", {"iso2": ""}).data["count"] == 33


@pytest.mark.django_db
def test_text_fields_refuse_numbers(api_client, delegation):
    api_client.force_authenticate(delegation)
    response = api_client.post("/api/v1/tokens/", {"name": 0}, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["name"]
    assert ApiToken.objects.filter(user=delegation).count() == 0


@pytest.mark.django_db
def test_wrong_credentials_are_401_with_a_challenge(api_client, delegation):
    response = api_client.post("/api/v1/auth/token/", {"username": "delegation-us", "password": "nope"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert str(response.data["detail"]) == "Unable to log in with the credentials provided."


@pytest.mark.django_db
def test_unknown_api_urls_answer_json_and_pages_html(auditor_client):
    api = auditor_client.get("/api/v1/members/not-a-number/extra/")
    assert api.status_code == 404
    assert api.json() == {"detail": "Not found."}
    page = auditor_client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_every_operation_documents_its_errors(auditor_client):
    schema = auditor_client.get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, f"{method} {path}: {sorted(codes)}"
            if method in ("post", "put", "patch", "delete"):
                assert "409" in codes
