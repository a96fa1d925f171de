"""400, CSRF and 404 answers are the site's own pages in Vietnamese; under /api/ the API's JSON body."""

import logging

from django.test import Client
from rest_framework.test import APIClient

ME = "/api/v1/me/"


def test_a_body_over_the_limit_gets_the_sites_page_naming_the_limit(client, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(users["reporter_tu_son"])
    response = client.post("/password/", {"old_password": "x" * 20_000})
    assert response.status_code == 400
    page = response.content.decode().replace("\xa0", " ")
    assert '<html lang="vi"' in page and "QCDC" in page
    assert "lớn hơn 9,8 KB" in page and "Chưa lưu gì" in page


def test_too_many_fields_get_the_sites_page_naming_the_limit(client, users, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client.force_login(users["reporter_tu_son"])
    response = client.post("/password/", {f"f{i}": "1" for i in range(60)})
    assert response.status_code == 400
    assert "hơn 50 trường" in response.content.decode()


def test_a_csrf_failure_is_the_sites_page_and_is_logged(db, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="qcdc.security"):
        response = client.post("/login/", {"username": "a", "password": "b"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="vi"' in page and "Biểu mẫu đã hết hạn" in page
    assert "CSRF verification failed" not in page
    assert any("10.1.1.1" in r.getMessage() and "/login/" in r.getMessage() for r in caplog.records)


def test_a_missing_page_is_the_sites_page_in_vietnamese(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_a_deeply_nested_json_body_is_a_400_not_a_500(api, users):
    body = "[" * 1000 + "]" * 1000
    assert len(body) == 2000
    response = api("staff").post("/api/v1/directives/", body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "parse_error" and "lồng nhau quá sâu" in data["detail"]


def test_an_api_body_over_the_limit_is_a_json_400(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api("staff").post("/api/v1/directives/", {"abstract": "x" * 5000}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in ("too_large", "parse_error") and "lớn hơn" in response.json()["detail"]


def test_an_api_csrf_failure_is_json_in_vietnamese(users):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users["staff"])
    response = client.post("/api/v1/directives/", {}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied" and "CSRF" in body["detail"] and "X-CSRFToken" in body["detail"]
    assert body["detail"].startswith("Kiểm tra CSRF")
