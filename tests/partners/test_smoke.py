def test_partner_list_scoped(as_user, partner_a, partner_b, partner_user_a, channel_manager):
    body = as_user(partner_user_a).get("/api/v1/partners/").json()
    assert [p["code"] for p in body["results"]] == [partner_a.code]
    body = as_user(channel_manager).get("/api/v1/partners/").json()
    assert body["count"] == 2
    assert as_user(partner_user_a).get(f"/api/v1/partners/{partner_b.pk}/").status_code == 404
