from wizard.wording import counted


def test_counted_nouns_agree_with_their_number() -> None:
    assert counted(1, "student") == "1 student"
    assert counted(0, "student") == "0 students"
    assert counted(2000, "student") == "2,000 students"
    assert counted(2, "child", "children") == "2 children"
