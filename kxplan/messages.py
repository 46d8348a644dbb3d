"""Every user-facing string, in English and Chinese, behind one lookup: ``t(key, **fields)``.

Keys are stable identifiers; the text may change freely. A test checks that every key has
both languages and the same ``{fields}`` in each. Machine output (``--json`` keys, status
keys such as ``on_track``) never goes through this catalogue.
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_language = "en"

# key: (English, Chinese)
CATALOG: dict[str, tuple[str, str]] = {
    # --- general -------------------------------------------------------------------------
    "error.prefix": ("error", "错误"),
    "error.interrupted": ("interrupted; nothing was written", "已中断，未写入任何内容"),
    "error.unexpected": (
        "unexpected internal error: {error} (please report it)",
        "意外的内部错误：{error}（请报告此问题）",
    ),
    "lang.invalid": (
        "unknown language {lang!r}; use zh or en",
        "未知的语言 {lang!r}；请使用 zh 或 en",
    ),
    # --- plan discovery and loading ----------------------------------------------------------
    "plan.not_found": (
        "plan file {path} does not exist; give an existing file with --plan",
        "计划文件 {path} 不存在；请用 --plan 指定一个存在的文件",
    ),
    "plan.none_in_dir": (
        "no plan found: no plans/*.yaml here; give one with --plan PATH",
        "未找到计划：当前目录下没有 plans/*.yaml；请用 --plan 路径 指定",
    ),
    "plan.ambiguous": (
        "several plans in plans/ and none for {year}: {names}; choose one with --plan PATH",
        "plans/ 中有多个计划且没有 {year} 年的：{names}；请用 --plan 路径 选择其一",
    ),
    "plan.invalid": (
        "{path} has {count} problem(s); run: kxplan plan check {path}",
        "{path} 有 {count} 个问题；请运行：kxplan plan check {path}",
    ),
    "plan.unreadable": ("cannot read {path}: {reason}", "无法读取 {path}：{reason}"),
    # --- plan validation problems (file:line:column: message) -------------------------------
    "pv.not_utf8": (
        "the file is not UTF-8 (byte {byte}); save it as UTF-8",
        "文件不是 UTF-8 编码（字节 {byte}）；请另存为 UTF-8",
    ),
    "pv.conflict_marker": (
        "leftover merge-conflict marker {marker!r}; resolve the conflict first",
        "残留的合并冲突标记 {marker!r}；请先解决冲突",
    ),
    "pv.empty": (
        "the plan file is empty; see docs/plan-format.md for an example",
        "计划文件为空；示例见 docs/plan-format.md",
    ),
    "pv.yaml": ("invalid YAML: {problem}", "YAML 语法错误：{problem}"),
    "pv.tab": (
        "tab character in indentation; indent with spaces",
        "缩进中有制表符；请用空格缩进",
    ),
    "pv.alias": (
        "anchors and aliases (&, *) are not allowed; write the value out",
        "不允许使用锚点和别名（&、*）；请直接写出值",
    ),
    "pv.tag": ("tag {tag!r} is not allowed", "不允许使用标签 {tag!r}"),
    "pv.not_mapping": (
        "the plan must be a mapping with keys org, title, year, sections",
        "计划必须是包含 org、title、year、sections 等键的映射",
    ),
    "pv.expected_mapping": ("{where} must be a mapping", "{where} 必须是映射（键: 值）"),
    "pv.expected_list": ("{where} must be a list", "{where} 必须是列表"),
    "pv.expected_nonempty_list": (
        "{where} must be a non-empty list",
        "{where} 必须是非空列表",
    ),
    "pv.duplicate_key": (
        "duplicate key {key!r} (first at line {line}); keep only one",
        "重复的键 {key!r}（首次出现在第 {line} 行）；只保留一个",
    ),
    "pv.unknown_field": (
        "unknown field {field!r} in {where}; expected one of: {expected}",
        "{where} 中有未知字段 {field!r}；应为以下之一：{expected}",
    ),
    "pv.unknown_field_hint": (
        "unknown field {field!r} in {where}; did you mean {hint!r}?",
        "{where} 中有未知字段 {field!r}；您是否要写 {hint!r}？",
    ),
    "pv.missing_field": ("missing field {field!r} in {where}", "{where} 缺少字段 {field!r}"),
    "pv.empty_value": ("{field} is empty", "{field} 为空"),
    "pv.expected_text": ("{field} must be text", "{field} 必须是文本"),
    "pv.yaml11_bool": (
        "{field}: {value!r} is read as a boolean by YAML; quote it if you mean text",
        "{field}：{value!r} 会被 YAML 当作布尔值；如果是文本请加引号",
    ),
    "pv.yaml11_date": (
        "{field}: {value!r} is read as a date by YAML; quote it if you mean text",
        "{field}：{value!r} 会被 YAML 当作日期；如果是文本请加引号",
    ),
    "pv.yaml11_number": (
        "{field}: {value!r} is read as a number by YAML; quote it if you mean text",
        "{field}：{value!r} 会被 YAML 当作数字；如果是文本请加引号",
    ),
    "pv.expected_integer": ("{field} must be a whole number, not {value!r}", "{field} 必须是整数，而不是 {value!r}"),
    "pv.octal": (
        "{field}: {value!r} has a leading zero (YAML 1.1 reads it as octal); write {fixed}",
        "{field}：{value!r} 以 0 开头（YAML 1.1 会按八进制读取）；请写成 {fixed}",
    ),
    "pv.expected_number": ("{field} must be a number, not {value!r}", "{field} 必须是数字，而不是 {value!r}"),
    "pv.not_finite": ("{field} must be a finite number, not {value!r}", "{field} 必须是有限数字，而不是 {value!r}"),
    "pv.not_positive": ("{field} must be greater than 0, not {value}", "{field} 必须大于 0，而不是 {value}"),
    "pv.expected_bool": ("{field} must be true or false, not {value!r}", "{field} 必须是 true 或 false，而不是 {value!r}"),
    "pv.expected_date": (
        "{field} must be a date written YYYY-MM-DD, not {value!r}",
        "{field} 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    "pv.invalid_date": ("{field}: {value} is not a real date", "{field}：{value} 不是有效日期"),
    "pv.date_outside_year": (
        "{field}: {value} is outside the plan year {year}",
        "{field}：{value} 不在计划年度 {year} 内",
    ),
    "pv.year_range": ("year must be between 2000 and 2100, not {value}", "year 必须在 2000 到 2100 之间，而不是 {value}"),
    "pv.lang": ("lang must be zh or en, not {value!r}", "lang 必须是 zh 或 en，而不是 {value!r}"),
    "pv.duplicate_number": (
        "{what} number {number} is used twice (first at line {line})",
        "{what}编号 {number} 重复（首次出现在第 {line} 行）",
    ),
    "pv.number_order": (
        "{what} number {number} is out of order; expected {expected}",
        "{what}编号 {number} 顺序不对；应为 {expected}",
    ),
    "pv.id_pattern": (
        "target id {value!r} must look like p{point}.some-words (lowercase letters, digits, hyphens)",
        "目标编号 {value!r} 应形如 p{point}.some-words（小写字母、数字、连字符）",
    ),
    "pv.id_point": (
        "target id {value!r} is under point {point}; it must start with p{point}.",
        "目标编号 {value!r} 属于第 {point} 条；应以 p{point}. 开头",
    ),
    "pv.duplicate_id": (
        "target id {value!r} is used twice (first at line {line})",
        "目标编号 {value!r} 重复（首次出现在第 {line} 行）",
    ),
    "pv.kind": (
        "kind must be count, milestone or activity, not {value!r}",
        "kind 必须是 count、milestone 或 activity，而不是 {value!r}",
    ),
    "pv.field_not_for_kind": (
        "{field} does not apply to a {kind} target; remove it",
        "{field} 不适用于 {kind} 类型的目标；请删除",
    ),
    "pv.schedule_length": (
        "schedule must have 4 values (cumulative at the end of Q1..Q4), not {count}",
        "schedule 必须有 4 个值（第一至第四季度末的累计数），而不是 {count} 个",
    ),
    "pv.schedule_decreasing": (
        "schedule must not decrease: {values}",
        "schedule 不能递减：{values}",
    ),
    "pv.schedule_last": (
        "schedule ends at {last} but the goal is {goal}; the last value must equal the goal",
        "schedule 最后一个值是 {last}，但目标是 {goal}；二者必须相等",
    ),
    "pv.thresholds": (
        "thresholds must satisfy 0 < on_track <= behind < 1",
        "thresholds 必须满足 0 < on_track <= behind < 1",
    ),
    "pv.renamed_self": (
        "renamed_from {value!r} is still a target id in this plan",
        "renamed_from 中的 {value!r} 仍是本计划中的目标编号",
    ),
    "pv.renamed_twice": (
        "renamed_from {value!r} is already claimed by {other}",
        "renamed_from 中的 {value!r} 已被 {other} 认领",
    ),
    "pv.control_chars": (
        "{field} contains a control character; remove it",
        "{field} 含有控制字符；请删除",
    ),
    # --- environment -----------------------------------------------------------------------
    "env.bad_today": (
        "KXPLAN_TODAY must be a date YYYY-MM-DD, not {value!r}",
        "KXPLAN_TODAY 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    # --- help texts ----------------------------------------------------------------------------
    "help.app": (
        "Track the annual work plan: check the YAML plan, record progress, see status, render quarterly reports.\n\nExample: kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
        "年度工作要点进度跟踪：检查 YAML 计划、登记进展、查看进度、生成季度报告。\n\n示例：kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
    ),
    "help.opt.plan": (
        "Plan file (default: the only plans/*.yaml, else this year's).",
        "计划文件（默认：plans/ 下唯一的 yaml 文件，否则为本年度的）。",
    ),
    "help.opt.db": ("SQLite database file.", "SQLite 数据库文件。"),
    "help.opt.lang": (
        "Interface language: zh or en (default: the plan's lang, else the locale).",
        "界面语言：zh 或 en（默认：计划的 lang，否则按系统区域设置）。",
    ),
    "help.opt.version": ("Show the version and exit.", "显示版本号并退出。"),
    "help.opt.json": ("Print JSON instead of text.", "输出 JSON 而不是文本。"),
    "help.plan": (
        "Check and show plan files.\n\nExample: kxplan plan check plans/2019.yaml",
        "检查和查看计划文件。\n\n示例：kxplan plan check plans/2019.yaml",
    ),
    "help.plan.check": (
        "Validate plan files; print every problem as file:line:column: message (exit 1 if any).\n\nExample: kxplan plan check plans/2019.yaml",
        "校验计划文件；每个问题输出为 文件:行:列: 说明（有问题时退出码为 1）。\n\n示例：kxplan plan check plans/2019.yaml",
    ),
    "help.arg.plan_files": (
        "Plan files to check (default: the current plan).",
        "要检查的计划文件（默认：当前计划）。",
    ),
    "help.plan.show": (
        "Show the plan: sections, work points and their targets.\n\nExample: kxplan plan show --json",
        "查看计划：各部分、工作要点及其目标。\n\n示例：kxplan plan show --json",
    ),
    # --- periods ---------------------------------------------------------------------------------
    "quarter.invalid": (
        "unknown quarter {value!r}; write 2019Q2, 2019-Q2, Q2, current or previous",
        "无法识别的季度 {value!r}；请写成 2019Q2、2019-Q2、Q2、current 或 previous",
    ),
    # --- files ---------------------------------------------------------------------------------
    "io.write_failed": (
        "cannot write {path}: {reason}; the previous file, if any, is unchanged",
        "无法写入 {path}：{reason}；原有文件（如有）保持不变",
    ),
    # --- labels --------------------------------------------------------------------------------
    "label.section_n": ("Section {n}", "第{n}部分"),
    "label.or_more": (" or more", "以上"),
    "label.goal_count": ("goal {goal} {unit}{or_more}", "目标 {goal}{unit}{or_more}"),
    "label.goal_due": ("due {due}", "{due} 前完成"),
    "label.goal_activity": ("ongoing", "持续开展"),
}


def set_language(lang: str) -> None:
    """Choose the language of every later message (``zh`` or ``en``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _language = lang


def get_language() -> str:
    """The language messages are currently rendered in."""
    return _language


def t(key: str, /, **fields: object) -> str:
    """The message ``key`` in the current language, with ``fields`` filled in."""
    english, chinese = CATALOG[key]
    template = chinese if _language == "zh" else english
    return template.format(**fields) if fields else template


def language_from_locale(environ: dict[str, str] | None = None) -> str | None:
    """``zh`` when LC_ALL/LC_MESSAGES/LANG names a Chinese locale, ``en`` when set otherwise."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return None
