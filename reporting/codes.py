"""Every kind of finding: its stable code, usual severity, Chinese name and what to do about it.

The codes a month's check or the roll-up can report.  docs/manual.md's findings table lists
exactly these (tools/findings_doc.py writes it), and `rules:` in config.yaml may change the
severity of any of them and of no other (config/ checks it on loading, hence this sits beside the
data model, below config and checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Severity


@dataclass(frozen=True)
class Code:
    """A kind of finding: its stable code, usual severity, Chinese name and what to do about it."""

    code: str
    severity: Severity
    name: str
    advice: str


E, W = Severity.ERROR, Severity.WARNING
REGISTRY: dict[str, Code] = {
    c.code: c
    for c in (
        Code("not_returned", E, "未报送", "催报，或确认报表已放入收件箱"),
        Code(
            "other_month_return",
            W,
            "报来的是其他月份的报表",
            "本月报表仍需报送（报来的已归入其所属月份）",
        ),
        Code("late", W, "逾期报送", "按时报送"),
        Code("missing_task", E, "任务被删除", "恢复被删除的任务行后重新报送"),
        Code("missing_milestone", E, "节点被删除", "恢复被删除的节点行后重新报送"),
        Code("unknown_task", W, "非本股室任务", "删除不属于本股室的行"),
        # the summary keeps the task list's text: the return is accepted, the clerk told
        Code(
            "definition_altered", W, "锁定内容被修改", "下次请勿修改锁定单元格（已按任务清单汇总）"
        ),
        Code("empty_progress", E, "未填进展情况", "填写本月进展情况"),
        Code("empty_status", E, "未填节点状态", "为到期节点选择状态"),
        Code("bad_status", E, "节点状态无效", "从下拉列表中选择状态"),
        Code("status_read_as", W, "节点状态不是可选值", "核对按哪个状态汇总，从下拉列表中选择"),
        Code("no_done_date", W, "缺少完成日期", "填写完成日期"),
        Code("future_done_date", W, "完成日期晚于收到报表的日期", "核对完成日期"),
        Code("wrong_office", E, "非牵头股室的报表", "用本股室的报表报送"),
        Code("wrong_month", E, "月份不符", "报送本月的报表"),
        Code("no_office", E, "未写明填报股室", "填写填报股室"),
        Code("no_month", W, "读不出月份", "核对报表标题中的月份"),
        Code("no_filled_by", W, "未填填报人", "补填填报人"),
        Code("no_filled_on", W, "未填填报日期", "补填填报日期"),
        Code("office_mismatch", E, "填报股室与报表不符", "用本股室下发的报表报送"),
        Code("superseded", W, "多份报表", "无需处理：采用最新收到的一份"),
        Code("key_mismatch", W, "任务键错位", "排序时请选中整表"),
        Code("row_unmatched", E, "行无法对应", "恢复原顺序或删除该行后重新报送"),
        Code("unreadable", E, "无法读取", "另存为xlsx后重新报送"),
        Code("no_form_sheet", E, "找不到进展情况表", "用下发的报表填写"),
        Code("read_failed", E, "读取出错", "另存为xlsx后重新报送"),
        Code("lock_file", W, "临时文件", "无需处理：已忽略"),
        Code("duplicate_row", E, "重复的行", "删除重复的行"),
        Code("row_without_key", W, "新增的行", "删除新增的行，内容填入对应任务"),
        Code("bad_key", E, "任务键无法识别", "请勿修改隐藏列"),
        Code("sheet_renamed", W, "工作表被改名", "下次请勿改名"),
        Code("extra_sheets", W, "多余的工作表", "下次只保留进展情况表"),
        Code("column_missing", E, "缺少列", "恢复被删除的列"),
        Code("key_column_missing", W, "任务键列被删除", "下次请勿删除列"),
        Code("header_missing", W, "表头被删除", "下次请勿删除表头"),
        Code("undated_milestone", W, "节点日期不明", "在任务清单中写明节点日期"),
        Code("lead_assumed", W, "未填牵头股室", "在任务清单中填写牵头股室"),
        Code("office_file_name", W, "股室名不能直接作文件名", "可将股室改名"),
        Code("office_name_clash", E, "股室文件名相同", "将其中一个股室改名"),
        Code("progress_unchanged", W, "进展与上月相同", "填写本月的新进展"),
        Code("cell_truncated", W, "内容超长被截断", "精简内容"),
        Code("rows_split", W, "汇总分表", "无需处理：续表已列出"),
        Code("empty_file", E, "空文件", "重新报送"),
        Code("too_large", E, "文件过大", "删除多余内容后重新报送"),
        Code("zip_bomb", E, "异常压缩文件", "另存为xlsx后重新报送"),
        Code("encrypted", E, "文件有密码", "取消密码后重新报送"),
        Code("not_a_workbook", E, "不是工作簿", "报送xlsx文件"),
        Code("old_format", W, "旧格式文件", "下次使用xlsx报表"),
        Code("after_as_of", W, "晚于汇总日期收到", "无需处理：计入下次汇总"),
        Code("zipped", E, "压缩包", "将其中的xlsx文件直接发来"),
        Code("truncated", E, "文件不完整", "重新发送"),
        Code("cells_outside_form", W, "表外有内容", "删除报表范围外的内容"),
        Code("sheet_too_large", E, "工作表过大", "删除多余内容后重新报送"),
        Code("collect_failed", E, "未能收取", "确认文件未被占用、磁盘有空间后重新收取"),
        Code("not_a_summary", E, "不是汇总表", "下级单位用 yuebao merge 生成汇总表后报送"),
        Code("unmapped_task", W, "未对应本级任务", "在下级任务清单“上级任务”列填写本级任务编码"),
        Code("unknown_unit", E, "非应报单位", "核对下级单位名称，或在rollup.units中加入该单位"),
        Code("task_not_reported", W, "本级任务无人报送", "核对下级任务清单的“上级任务”列"),
        Code("mail_failed", E, "邮件未能收取", "请发件人按提示重新发送，或把附件存入收件箱"),
        Code("not_an_office", W, "发件人不是股室", "在 offices.股室.email 中补上该邮箱"),
    )
}
FINDING_CODES = frozenset(REGISTRY)
SEVERITY_WORDS = {
    "错误": Severity.ERROR,
    "警告": Severity.WARNING,
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
}
