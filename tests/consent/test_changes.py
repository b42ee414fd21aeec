"""What changed between two versions, old and new text with the changed words marked (consent/views/_changes.py)."""

from consent.views._changes import marked


def test_changed_words_are_marked_in_the_old_and_the_new_text():
    old, new = marked("Twee keer per week extra lezen.", "Drie keer per week extra lezen en rekenen.")
    assert old == "<del>Twee </del>keer per week extra <del>lezen.</del>"
    assert new == "<ins>Drie </ins>keer per week extra <ins>lezen en rekenen.</ins>"


def test_the_texts_are_escaped():
    old, new = marked("<script>", "<b>vet</b>")
    assert "<script>" not in old and "&lt;script&gt;" in old and "&lt;b&gt;vet&lt;/b&gt;" in new
