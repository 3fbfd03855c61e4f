from tests.statements import recorded_statements


def test_home_page_answers_in_latvian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="lv">' in response.get_data(as_text=True)


def test_healthz_answers_ok_without_asking_the_database(client):
    with recorded_statements(requests_only=True) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert statements == []
    assert "Set-Cookie" not in response.headers
