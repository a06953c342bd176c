def test_x(book, creche, household):
    assert household > 0
