"""`yuebao init DIR --bureau NAME`: a new bureau's folder, ready for `yuebao check` and a month.

config.yaml commented in Chinese, a blank task list in yuebao's layout with one example row (its
two offices already in `offices:`, so a month can be tried on it at once), 使用说明.txt, 月报.bat
(the menu), 定时任务.xml (the Windows daily task) and 网页服务.xml (the intranet page at logon); on
Linux the systemd units of the page and the schedule and their password file (0600).  The folders
使用说明.txt names (输出, 收件箱) are made, so what the clerk reads is what is there.  A file
already there is never overwritten.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..console import echo
from ..errors import YuebaoError
from . import services, windows
from .zh import ZhCommand

TASK_LIST = "任务清单.xlsx"
GUIDE = "使用说明.txt"
# the folders config.yaml below names (outbox, archive, summary, ledger, log, web state; inbox)
OUTPUT, INBOX = "输出", "收件箱"

CONFIG = """\
# 月报 yuebao 的配置文件（BUREAU）。
# 写法：每行“名称: 值”，冒号用英文半角“:”，冒号后空一格；缩进用空格，不要用Tab键。
# 路径直接写，不要加双引号（如 task_list: D:\\月报\\任务清单.xlsx）。
# 改完后运行“月报.bat”选“5 检查配置”（或 yuebao check），会逐条指出问题所在的行和改法。

bureau: BUREAU  # 单位名称，用于表格和汇总表的标题
task_list: 任务清单.xlsx   # 任务清单（yuebao格式），相对路径从本文件所在文件夹算起

reporting:
  first_month: 1          # 从几月开始报送
  period_start_month: 1   # 标题“（1—N月）”中的起始月
  deadline_day: 20        # 每月几日前报送（1到31；遇周末、节假日顺延到下一个工作日）
  amber_days: 7           # 几天内到期的节点在汇总表中标黄
  prefill: true           # 下发的表格预填上月报送的内容

folders:                  # {month} 会换成月份，如 2026-06
  outbox: 输出/{month}/待发送   # 下发给各股室的表格
  inbox: 收件箱/{month}         # 把各股室报回的表格放进这个文件夹
  archive: 输出/{month}/存档    # 收到的文件原样存档
  summary: 输出/{month}         # 汇总表、校验问题、反馈意见

ledger: 输出/台账.sqlite3  # 台账：收到的报表、发出的提醒（自动建立，不要手工修改）
# 日志（输出/yuebao.log）和内网网页的数据（输出/web.sqlite3）也放在台账所在的文件夹

schedule:                 # 定时任务（定时任务.xml）每天做的事
  time: "08:30"           # 每天几点运行（00:00到23:59）
  remind_day: 15          # 每月几日催报尚未报送的股室
  chiefs: []              # 接收汇总表的领导邮箱，如 [juzhang@example.org, bangongshi@example.org]

smtp:                     # 发邮件用的服务器；host 留空则不发邮件，提醒只写成文本文件
  host: ""                # 如 smtp.example.org
  port: 25
  security: none          # none、starttls 或 ssl
  user: ""
  sender: ""              # 发件人，如 BUREAU <jyj@example.org>
  # 邮箱密码不写在这里：Windows 放在用户环境变量 YUEBAO_SMTP_PASSWORD 中；
  # Linux 的服务从本文件夹的 密码.env 读取（见 使用说明.txt）

# 节假日：程序自带国务院公布的放假安排（到发布时已公布的年份）。每年11—12月国务院办公厅公布
# 下一年的安排后，去掉下面几行开头的“# ”，按通知填写放假和调休上班的日期（连续几天写成“起至止”）。
# yuebao check 会说明哪些年份已有安排；12月1日起，下一年还没有时会提醒。
# calendar:
#   2027:
#     放假: [2027-01-01, 2027-10-01至2027-10-07]
#     上班: [2027-09-26, 2027-10-09]

offices:                  # 每个牵头股室一行，名称须与任务清单“牵头股室”列完全一致
  # 联系人、电话、邮箱、分管领导、分管领导邮箱；邮箱不填则不发邮件
OFFICES"""

OFFICE = '  NAME: {contact: "", phone: "", email: "", leader: "", leader_email: ""}\n'

GUIDE_TEXT = """\
月报 yuebao 使用说明（BUREAU）

本文件夹里的文件
  config.yaml      配置：单位名称、报送截止日、各股室的联系人和邮箱（用记事本打开修改）
  任务清单.xlsx     本年度重点工作任务清单；第1行是示例，请照着填写本局的任务后删除示例行
  月报.bat          双击打开菜单：下发表格、收取并汇总、催报、打开汇总表、检查配置
  定时任务.xml      Windows 定时任务，每天自动运行（见下）
  网页服务.xml      Windows 定时任务，登录后自动启动内网网页（见下）
  收件箱\\          各股室报回的表格按月份放在这里（如 收件箱\\2026-06）
  输出\\            每月一个文件夹（如 输出\\2026-06）：下发的表格（待发送）、汇总表、校验问题、
                   反馈意见；还有台账、日志（yuebao.log）和内网网页的数据

第一次使用
  1. 用记事本打开 config.yaml，在 offices 下逐个写上牵头股室（名称与任务清单一致）。
  2. 在 任务清单.xlsx 中填写本局的任务、关键节点（如“一是6月底前……”）和牵头股室。
  3. 双击 月报.bat，选 5 检查配置；有问题会写明哪一行、怎么改。

每个月
  1. 双击 月报.bat，选 1 下发本月表格，把“输出\\月份\\待发送”里的表格发给各股室。
  2. 各股室报回后，把表格放进“收件箱\\月份”，选 2 收取并汇总。
  3. 选 3 催报（提醒尚未报送的股室），选 4 打开汇总表。

每天自动运行（可选）
  以管理员身份打开“命令提示符”，进入本文件夹后运行：
    schtasks /Create /TN yuebao /XML 定时任务.xml
  电脑在定时时间没开机的，开机后会自动补上；运行时不弹出窗口；日志在 输出\\yuebao.log。

内网网页（可选，各股室在浏览器中上传报表）
  先运行一次 yuebao serve --set-password 设置局办公室的登录密码。
  Windows：以管理员身份打开“命令提示符”，进入本文件夹后运行：
    schtasks /Create /TN yuebao-web /XML 网页服务.xml
  以后登录 Windows 即自动启动，不弹出窗口；停止：schtasks /End /TN yuebao-web。
  Linux（麒麟、统信）：本文件夹中的 yuebao-serve.service 和 yuebao-schedule.service
  是两个 systemd 服务（网页、每天的计划），文件开头写有安装命令；邮箱密码写在 密码.env
  （只有本用户能读）。
"""


@click.command("init", cls=ZhCommand)
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--bureau", required=True, help="单位名称，如 恩平市教育局 the bureau's name")
def init(folder: str, bureau: str) -> None:
    """新建一个单位的文件夹：配置文件、空白任务清单（含一行示例）、使用说明、月报.bat。"""
    import json

    from ..tasks.importers import blank_task_list
    from ..tasks.tasklist import write_task_list

    out = Path(folder).resolve()
    written, kept = [], []
    config = out / "config.yaml"
    example = blank_task_list(date.today().year, bureau)
    offices = "".join(OFFICE.replace("NAME", o) for o in example.tasks[0].offices)
    files = {
        config: lambda p: p.write_text(
            CONFIG.replace("bureau: BUREAU", f"bureau: {json.dumps(bureau, ensure_ascii=False)}")
            .replace("BUREAU", bureau)
            .replace("OFFICES", offices),
            encoding="utf-8",
        ),
        out / TASK_LIST: lambda p: write_task_list(example, p),
        # a BOM and CRLF: old Notepad shows it right
        out / GUIDE: lambda p: p.write_bytes(
            GUIDE_TEXT.replace("BUREAU", bureau).replace("\n", "\r\n").encode("utf-8-sig")
        ),
        out / windows.BAT_NAME: lambda p: windows.write_bat(p, windows.python_exe()),
        out / windows.TASK_NAME: lambda p: windows.write_task(
            p, windows.python_exe(windowless=True), config, "08:30"
        ),
        out / windows.SERVE_TASK_NAME: lambda p: windows.write_serve_task(
            p, windows.python_exe(windowless=True), config
        ),
    }
    if sys.platform != "win32":  # 麒麟、统信 …: systemd
        units = services.write_units(out, windows.python_exe(), config)
        files.update({out / name: write for name, write in units.items()})
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in (OUTPUT, INBOX):
            (out / name).mkdir(exist_ok=True)
        for path, write in files.items():
            if path.exists():
                kept.append(path.name)
                continue
            write(path)
            written.append(path.name)
    except OSError as exc:
        raise YuebaoError(f"无法写入文件夹：{out}", f"cannot write {out}: {exc}") from exc
    echo(f"已在 {out} 中生成：{'、'.join(written) or '无'}")
    if kept:
        echo(f"已存在、未覆盖：{'、'.join(kept)}")
    echo(
        f"下一步：按 {GUIDE} 填写 config.yaml 的 offices 和 {TASK_LIST}，"
        f"然后双击 {windows.BAT_NAME} 选“检查配置”（或运行 yuebao check --config {config}）"
    )
