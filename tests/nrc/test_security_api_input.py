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
@pytest.mark.parametrize("name", ["iso2", "active_on"])
def test_an_empty_filter_means_no_filter(api_client, auditor, name):
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/members/", {name: ""}).data["count"] == 33


def _schema(client) -> dict:
    return client.get("/api/schema/", {"format": "json"}).json()


@pytest.mark.django_db
def test_every_optional_filter_of_every_list_treats_an_empty_value_as_no_filter(auditor_client):
    """Given every read without a path parameter, when each of its optional filters is sent empty, then the answer
    is the one without them (the schema says so with allowEmptyValue)."""
    checked = []
    for path, operations in _schema(auditor_client)["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        filters = [
            p["name"]
            for p in get.get("parameters", [])
            if p["in"] == "query" and not p.get("required") and p["name"] not in ("page", "page_size")
        ]
        required = {p["name"]: "0" for p in get.get("parameters", []) if p.get("required")}
        if not filters:
            continue
        assert all(p.get("allowEmptyValue") for p in get["parameters"] if p["name"] in filters), path
        plain = auditor_client.get(path, required)
        empty = auditor_client.get(path, {**required, **dict.fromkeys(filters, "")})
        assert empty.status_code == plain.status_code, (path, empty.content)
        if plain.status_code == 200 and "count" in plain.json():
            assert empty.json()["count"] == plain.json()["count"], path
        checked.append(path)
    assert checked == [
        "/api/v1/areas/",
        "/api/v1/attendance/",
        "/api/v1/audit/",
        "/api/v1/bodies/",
        "/api/v1/compliance/flags/",
        "/api/v1/compliance/grid/",
        "/api/v1/compliance/waivers/",
        "/api/v1/decisions/",
        "/api/v1/implementation-issues/",
        "/api/v1/meetings/",
        "/api/v1/members/",
        "/api/v1/papers/",
        "/api/v1/session-requests/",
        "/api/v1/work-programmes/",
        "/api/v1/work-programmes/rollup/",
    ]


@pytest.mark.django_db
def test_a_detail_url_whose_id_is_not_a_whole_number_is_a_json_404(auditor_client):
    """Every operation on one object, with ``null,null`` or ``-1`` for its id, matches no route."""
    checked = 0
    for path, operations in _schema(auditor_client)["paths"].items():
        if "{id}" not in path:
            continue
        for method in operations:
            for bad in ("null,null", "-1", "1.5"):
                response = getattr(auditor_client, method)(path.replace("{id}", bad))
                assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), (method, path)
            checked += 1
    assert checked == 47


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


@pytest.mark.django_db
def test_requests_are_json_except_the_uploads(api_client, secretariat):
    """In a form an empty field cannot be told from a missing one: only the two uploads take multipart."""
    api_client.force_authenticate(secretariat)
    response = api_client.post("/api/v1/tokens/", {"name": "form"}, format="multipart")
    assert response.status_code == 415
    assert ApiToken.objects.filter(user=secretariat).count() == 0
    schema = _schema(api_client)
    uploads = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and list(operation["requestBody"]["content"]) != ["application/json"]
    ]
    assert uploads == [("post", "/api/v1/papers/"), ("post", "/api/v1/session-requests/{id}/papers/")]
