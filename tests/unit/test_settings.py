"""Where a book's files go."""

from crechebooks_desktop.settings import book_url, settings_for


def test_each_server_book_has_its_own_folder_without_the_password() -> None:
    one = settings_for("postgresql://bob:secret@dbserver:5432/crechebooks").data_dir
    two = settings_for("postgresql://bob:secret@dbserver:5432/other").data_dir
    assert one != two
    assert one.name == "dbserver_5432_crechebooks"
    assert "secret" not in str(one)


def test_a_sqlite_book_keeps_its_files_beside_it(tmp_path) -> None:
    settings = settings_for(str(tmp_path / "book.sqlite"))
    assert settings.data_dir == tmp_path / "book-files"
    assert settings.db_url == f"sqlite:///{tmp_path / 'book.sqlite'}"


def test_postgres_urls_use_psycopg_3() -> None:
    assert book_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert book_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
