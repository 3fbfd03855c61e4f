def test_home_page_answers_in_latvian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="lv">' in response.get_data(as_text=True)


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
