from kefu.core.search import bigrams, search_keys


def test_chinese_text_becomes_overlapping_bigrams():
    assert bigrams("频繁停电") == ["频繁", "繁停", "停电"]


def test_punctuation_splits_runs_and_case_and_width_are_folded():
    assert bigrams("停电，ＡＢ") == ["停电", "ab"]


def test_search_keys_are_distinct_across_texts():
    assert search_keys("停电", "停电了") == "停电 电了"
