"""Milestone dates read from free text: every phrase of the seeds, generated phrases, and the
undated."""

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.tasks.milestones import normalise, parse_milestones, read_due

FULL = str.maketrans("0123456789", "０１２３４５６７８９")
CN = {
    1: "一",
    2: "二",
    3: "三",
    4: "四",
    5: "五",
    6: "六",
    7: "七",
    8: "八",
    9: "九",
    10: "十",
    11: "十一",
    12: "十二",
}
NUMBERING = ["一是", "二是", "(1)", "（2）", "3.", "4、", "①", ""]
FILLER = st.text(alphabet="完成开展推进工作方案建设培训学校验收", min_size=0, max_size=12)


@st.composite
def dated_phrase(draw):
    month = draw(st.integers(1, 12))
    last = calendar.monthrange(2022, month)[1]
    kind = draw(st.sampled_from(["底前", "底", "末", "day"]))
    day = draw(st.integers(1, last)) if kind == "day" else last
    month_text = draw(st.sampled_from([str(month), str(month).translate(FULL), CN[month]]))
    when = f"{month_text}月{day}日" if kind == "day" else f"{month_text}月{kind}"
    if kind == "day" and draw(st.booleans()):
        when = f"{month_text}月{str(day).translate(FULL)}日"
    numbering = draw(st.sampled_from(NUMBERING))
    text = f"{numbering}{draw(st.sampled_from(['', ' ']))}{when}{draw(FILLER)}。"
    return text, date(2022, month, day)


@settings(max_examples=300, deadline=None)
@given(dated_phrase())
def test_generated_phrases_read_the_right_date(case):
    text, expected = case
    assert [d for d, _ in read_due(text, 2022)] == [expected]


@settings(max_examples=100, deadline=None)
@given(FILLER)
def test_text_without_dates_is_never_given_one(text):
    assert read_due(text, 2022) == []


def test_phrases_listed_in_the_seeds():
    cases = {
        "一是3月底前完成招标文件编制": date(2022, 3, 31),
        "(1) 完成方案 3月31日": date(2022, 3, 31),
        "6月底前": date(2022, 6, 30),
        "10月底前": date(2022, 10, 31),
        "12月底前": date(2022, 12, 31),
        "上半年完成": date(2022, 6, 30),
        "下半年": date(2022, 12, 31),
        "年内完成": date(2022, 12, 31),
        "年底前完成": date(2022, 12, 31),
        "2023年秋季学期投入使用": date(2023, 9, 1),
        "12月施工进度完成30%": date(2022, 12, 31),
        "第一季度完成": date(2022, 3, 31),
        "第三季度": date(2022, 9, 30),
        "2025年前建成": date(2024, 12, 31),
        "到2023年，15所学校": date(2023, 12, 31),
        "６月３０日": date(2022, 6, 30),
        "12月10日前": date(2022, 12, 10),
        "2022.6.15完成": date(2022, 6, 15),
        "6月中旬": date(2022, 6, 20),
        "6月上旬": date(2022, 6, 10),
        "十二月底前": date(2022, 12, 31),
        "一是5月底前制定《工作计划(2012-2025)》": date(2022, 5, 31),
    }
    for text, expected in cases.items():
        assert read_due(text, 2022)[0][0] == expected, text


def test_recurring_phrase_is_one_milestone_a_month():
    _, milestones = parse_milestones("T01", "关键节点：\n一是每月20日前报送进展。", 2022)
    assert [m.due for m in milestones] == [date(2022, mon, 20) for mon in range(1, 13)]
    assert len({m.key for m in milestones}) == 12 and {m.text for m in milestones} == {
        "一是每月20日前报送进展。"
    }


def test_undated_milestone_is_kept_with_a_reason():
    overview, milestones = parse_milestones(
        "T02", "概述。\n关键节点：\n一是加强统筹协调。\n二是6月底前完成验收。", 2022
    )
    assert overview == "概述。"
    assert [(m.text, m.due) for m in milestones] == [
        ("一是加强统筹协调。", None),
        ("二是6月底前完成验收。", date(2022, 6, 30)),
    ]
    assert "未能识别" in milestones[0].date_note


def test_continuation_lines_stay_with_their_milestone():
    _, milestones = parse_milestones(
        "T03", "一是3月底前完成方案。\n完成设计。\n二是6月底前施工。", 2022
    )
    assert [m.text for m in milestones] == [
        "一是3月底前完成方案。\n完成设计。",
        "二是6月底前施工。",
    ]


def test_a_range_is_due_at_its_end():
    cases = {
        "10月至12月完成主体工程": date(2022, 12, 31),
        "二是3—6月底前完成": date(2022, 6, 30),
        "9月1日至10月15日开展评估": date(2022, 10, 15),
        "2022年10月至2023年6月": date(2023, 6, 30),
        "6月7-10日举办": date(2022, 6, 10),
    }
    for text, expected in cases.items():
        assert [d for d, _ in read_due(text, 2022)] == [expected], text


def test_a_school_year_ends_in_august():
    assert read_due("本学年内完成设备采购", 2022)[0][0] == date(2022, 8, 31)
    assert read_due("学年末完成评估", 2022)[0][0] == date(2022, 8, 31)
    assert read_due("2022-2023学年完成", 2022)[0][0] == date(2023, 8, 31)
    assert read_due("年内完成", 2022)[0][0] == date(2022, 12, 31)
    assert read_due("制定新学年工作计划", 2022) == []


def test_task_list_and_returns_read_a_date_alike():
    """One reader: what a clerk types in a return and what a plan says in 完成时间 mean the same
    day."""
    from reporting.intake.values import to_date

    for typed in (
        "6.30",
        "6/30",
        "30/6",
        "6月30日",
        "2022.6.30",
        "2022-06-30",
        "2022年6月30日",
        "20220630",
        "６.３０",
    ):
        assert to_date(typed, 2022) == date(2022, 6, 30), typed
        assert [d for d, _ in read_due(typed, 2022)] == [date(2022, 6, 30)], typed
    assert read_due("一是6.30前完成验收", 2022)[0][0] == date(2022, 6, 30)
    assert read_due("生均经费提高1.5倍", 2022) == [] and read_due("提升工程2.0网络研修", 2022) == []


def test_item_glued_to_a_month_is_its_own_milestone():
    _, milestones = parse_milestones(
        "T17", "3.坚持师德第一标准。\n4.9月组织开展师德建设主题教育月活动。", 2021
    )
    assert [(m.seq, m.due) for m in milestones] == [(1, None), (2, date(2021, 9, 30))]


def test_a_date_on_its_own_is_quoted_whole_up_to_the_longest():
    """A phrase that is nothing but a date (and 前) is read as one date and quoted whole, the
    longest written form included; a longer phrase quotes only its date."""
    for text in ("6.30前", "2022年12月31日之前", "2022.12.31以前", "十二月三十一日前"):
        ((due, note),) = read_due(text, 2022)
        assert due == (date(2022, 6, 30) if text.startswith("6") else date(2022, 12, 31))
        assert note.startswith(f"“{normalise(text)}”"), note
    ((due, note),) = read_due("2022年12月31日之前完成", 2022)
    assert (due, note) == (date(2022, 12, 31), "“2022年12月31日”→2022年12月31日")


# Words of real task lists that hold digits, 月, 年 or 季度 and are no date: text made of them
# runs every pattern (none is skipped for lack of its key character) and must still find none.
# No word ends in a digit or 一二三四, none starts with 月, 年 or 季度 after a number.
NOT_DATES = st.sampled_from(
    [
        "培训120人次",
        "3个月",
        "月考",
        "年级",
        "青年教师",
        "季度考核",
        "年度",
        "第2批",
        "岁月",
        "提高100%",
        "12所学校",
        "1.5万元",
        "2023届毕业生",
        "学年",
        "月报",
        "年报",
        "季度报表",
        "第一批",
    ]
)
NOISE = st.lists(st.one_of(NOT_DATES, FILLER), min_size=1, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(NOISE)
def test_words_with_month_year_and_digits_are_never_given_a_date(text):
    assert read_due(text, 2022) == [], text


@settings(max_examples=300, deadline=None)
@given(dated_phrase(), NOISE)
def test_a_phrase_keeps_its_date_whatever_words_with_digits_follow(case, noise):
    text, expected = case
    assert [d for d, _ in read_due(f"{text}，{noise}", 2022)] == [expected], noise
