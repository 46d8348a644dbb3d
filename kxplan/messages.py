"""Every user-facing string, in English and Chinese, behind one lookup: ``t(key, **fields)``.

Keys are stable identifiers; the text may change freely. A test checks that every key has
both languages and the same ``{fields}`` in each. Machine output (``--json`` keys, status
keys such as ``on_track``) never goes through this catalogue.

The catalogue is grouped by key prefix (``add.``, ``backup.``, … in alphabetical order, each
group under a comment naming where its keys are used) and sorted within each group: a new key
goes in its sorted place, never at the end, so keys added in parallel merge without a fight.
A test checks the order and that no key is written twice (a dict literal would keep the last
silently).
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_language = "en"

# key: (English, Chinese)
CATALOG: dict[str, tuple[str, str]] = {
    # --- add: kxplan add, the interactive entry (cli/prompting.py, cli/clerk_cmds.py) -------------
    "add.again": ("Record it once more? [y/N] ", "确实又发生了一次，仍要登记吗？[y/N] "),
    "add.ask_amount": ("Amount ({unit})", "数量（{unit}）"),
    "add.ask_date": ("Date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "add.ask_evidence": (
        "Evidence: a URL or document reference (optional)",
        "佐证：网址或文件编号（可不填）",
    ),
    "add.ask_item": (
        "Item name (optional; each item counts once)",
        "具体事项名称（可不填；同一事项只计一次）",
    ),
    "add.ask_note": ("Note (optional)", "备注（可不填）"),
    "add.ask_note_required": ("Note: what was done (required)", "备注：开展了什么工作（必填）"),
    "add.ask_plan_unit": (
        "Unit: its number, id or name (optional; - for none)",
        "单位：编号、代码或名称（可不填；输入 - 表示不填）",
    ),
    "add.ask_point": (
        "Work point: its number, or a few characters of a title or target id to search",
        "工作要点：请输入序号，或输入标题、目标编号中的几个字查找",
    ),
    "add.ask_target": (
        "Target: its number, or a few characters to narrow the list (0 goes back)",
        "目标：请输入序号，或输入几个字缩小范围（输入 0 返回上一步）",
    ),
    "add.ask_unit": (
        "Unit, e.g. 南湖区科协 (optional; - for none)",
        "单位，如 南湖区科协（可不填；输入 - 表示不填）",
    ),
    "add.cancelled": ("not recorded; nothing was written", "已取消，未写入任何内容"),
    "add.chosen": ("→ {id}  {title}", "→ {id}  {title}"),
    "add.confirm": ("Record it? [Y/n] ", "确认登记？[Y/n] "),
    "add.empty_choice": (
        "please choose one: type its number from the list",
        "请选择一项：输入列表中的序号",
    ),
    "add.eof": (
        "the input ended before the entry was confirmed; nothing was written",
        "输入已结束，登记尚未确认，未写入任何内容",
    ),
    "add.intro": (
        "Record progress. Nothing is written until you confirm; Ctrl-C cancels at any time.",
        "登记进展。确认之前不会写入任何内容，可随时按 Ctrl-C 取消。",
    ),
    "add.label_evidence": ("evidence", "佐证"),
    "add.label_kind": ("kind", "类型"),
    "add.matches": ('Targets matching "{text}":', "与“{text}”相符的目标："),
    "add.milestone_done_on": (
        "marks the milestone done on this date",
        "登记即表示该节点任务于此日完成",
    ),
    "add.no_match": (
        'nothing matches "{text}"; type a number from the list or other characters',
        "没有与“{text}”相符的项；请输入列表中的序号，或换几个字再试",
    ),
    "add.no_number": (
        "there is no number {number} in the list; type a number shown",
        "列表中没有序号 {number}；请输入列表中显示的序号",
    ),
    "add.points_heading": ("Work points:", "工作要点："),
    "add.prompt": ("{question}: ", "{question}："),
    "add.prompt_default": ("{question} [{default}]: ", "{question}[{default}]："),
    "add.repeat": (
        "identical to entry #{id} ({target} on {date}: same amount, item, note and unit)",
        "与 #{id} 完全相同（{target}，{date}，数量、事项、备注、单位都一样）",
    ),
    "add.summary_heading": ("About to record:", "即将登记："),
    "add.target_line": ("{id}  {title} ({goal})", "{id}  {title}（{goal}）"),
    "add.targets_heading": (
        "Targets of point {number}. {title}:",
        "第{number}条“{title}”下的目标：",
    ),
    "add.units_heading": ("The plan's units:", "计划中的单位："),
    "add.yes_no": ("please answer y (yes) or n (no)", "请回答 y（是）或 n（否）"),
    # --- backup: kxplan backup (store/sqlite/backup.py, cli/check_cmd.py) -------------------------
    "backup.cannot_write": (
        "cannot write the backup {path}: {reason}; an earlier file of that name is unchanged",
        "无法写入备份 {path}：{reason}；同名的旧文件（如有）未被改动",
    ),
    "backup.differs": (
        "{what} is {copy} in the copy but {source} in the database",
        "副本中的 {what} 为 {copy}，而数据库中为 {source}",
    ),
    "backup.done": (
        "backup written to {path}: {entries} entries, {voids} voids, integrity ok",
        "备份已写入 {path}：{entries} 条记录，{voids} 条作废，完整性检查通过",
    ),
    "backup.exists": (
        "{path} already exists; choose another file name, or replace it with --force",
        "{path} 已存在；请换一个文件名，或用 --force 替换",
    ),
    "backup.failed": (
        "the backup to {path} failed ({reason}); an earlier file of that name is unchanged",
        "备份到 {path} 失败（{reason}）；同名的旧文件（如有）未被改动",
    ),
    "backup.is_directory": (
        "{path} is a folder; give the backup a file name, e.g. {example}",
        "{path} 是文件夹；请给备份指定文件名，如 {example}",
    ),
    "backup.is_plan": (
        "{path} is the plan file; give the backup another file name",
        "{path} 就是计划文件；请为备份另选文件名",
    ),
    "backup.no_folder": (
        "cannot write the backup {path}: its folder does not exist",
        "无法写入备份 {path}：所在文件夹不存在",
    ),
    "backup.not_a_file": (
        "{path} is not a regular file (a device, pipe or socket); give the backup a file name",
        "{path} 不是普通文件（而是设备、管道或套接字）；请为备份指定文件名",
    ),
    "backup.not_kxplan": (
        "{path} exists and is not a kxplan database, so even --force does not replace it; give the backup another file name",
        "{path} 已存在且不是 kxplan 数据库，即使加 --force 也不会替换；请为备份另选文件名",
    ),
    "backup.pg_use_pg_dump": (
        "{path} is a PostgreSQL database: back it up with pg_dump (see docs/server.md), or copy it into an SQLite file with: kxplan db copy URL {dest}",
        "{path} 是 PostgreSQL 数据库：请用 pg_dump 备份（见 docs/server.md），或复制为 SQLite 文件：kxplan db copy 地址 {dest}",
    ),
    "backup.same_file": (
        "{path} is the database itself; give the backup another file name",
        "{path} 就是数据库本身；请为备份另选文件名",
    ),
    "backup.verify_failed": (
        "the backup copy failed verification ({reason}), so {path} was not written; run: kxplan check",
        "备份副本未通过校验（{reason}），因此未写入 {path}；请运行：kxplan check",
    ),
    # --- check: kxplan check findings (checks.py, cli/check_cmd.py) -------------------------------
    "check.application_id": (
        "the database's application_id is {app_id}, not kxplan's {expected}",
        "数据库的 application_id 为 {app_id}，不是 kxplan 的 {expected}",
    ),
    "check.bad_date": (
        "entry #{id} is dated {date}, which is not a day of the plan year {year}; void it and record it again with the right date",
        "记录 #{id} 的日期为 {date}，不是计划年度 {year} 中的日期；请作废后按正确日期重新登记",
    ),
    "check.damaged": (
        "the database is damaged (quick_check: {result}); restore it from a backup (see docs/reliability.md)",
        "数据库已损坏（quick_check：{result}）；请从备份恢复（见 docs/reliability.md）",
    ),
    "check.data_skipped": (
        "note: the database is damaged, so its entries were not checked",
        "提示：数据库已损坏，因此未检查其中的记录",
    ),
    "check.duplicate_item": (
        "{target}: item {item} is counted {count} times ({ids}); keep one and void the others (kxplan void ID --reason …)",
        "{target}：事项 {item} 被计数 {count} 次（{ids}）；请保留一条，作废其余记录（kxplan void 编号 --reason …）",
    ),
    "check.ids_more": ("{ids} and {more} more", "{ids} 等，另有 {more} 条"),
    "check.milestone_twice": (
        "milestone {target} is recorded as done {count} times ({ids}); keep one and void the others (kxplan void ID --reason …)",
        "里程碑 {target} 被登记完成了 {count} 次（{ids}）；请保留一条，作废其余记录（kxplan void 编号 --reason …）",
    ),
    "check.orphans": (
        "target {target} is neither in the plan nor in any renamed_from, yet entries {ids} are recorded under it; put the target back, or add it to renamed_from of the target that replaced it",
        "目标 {target} 既不在计划中，也不在任何 renamed_from 中，却有记录 {ids} 登记在其名下；请恢复该目标，或把它加入替代目标的 renamed_from",
    ),
    "check.other_years": (
        "note: {path} also holds entries of other plan years ({years}); kxplan check looks only at {year}",
        "提示：{path} 中还有其他计划年度的记录（{years}）；kxplan check 只检查 {year} 年",
    ),
    "check.plan_unusable": (
        "note: the plan has problems, so the entries were not checked against it; fix the plan, then run kxplan check again",
        "提示：计划有问题，因此未对照计划检查记录；请修正计划后再运行 kxplan check",
    ),
    "check.row_rules": (
        "rows break the database's own rules (quick_check: {result}); something other than kxplan wrote them — void the entries the other lines name",
        "有数据行违反数据库自身的规则（quick_check：{result}）；这些行不是 kxplan 写入的——请作废其他各行指出的记录",
    ),
    "check.schema_version": (
        "the database has schema version {version}, but this kxplan uses {expected}",
        "数据库的结构版本为 {version}，而本程序使用版本 {expected}",
    ),
    "check.summary": (
        "the per-day summary that status and reports read disagrees with the entries in {count} group(s) (first: {first}); rebuild it from the entries with: kxplan db rebuild-summary (entries are not changed)",
        "状态和报告读取的每日汇总与进展记录不符，共 {count} 组（第一组：{first}）；请用 kxplan db rebuild-summary 按进展记录重建汇总（进展记录不会改变）",
    ),
    "check.summary_group": (
        "{year} {target} on {date}, unit {unit}",
        "{year} 年 {target} {date}，单位 {unit}",
    ),
    "check.summary_no_unit": ("(none)", "（无）"),
    "check.unit_nearest": (
        "if it is {suggestion}, add it to that unit's aliases in the plan (entries are never rewritten)",
        "如果它就是 {suggestion}，请在计划中把它加入该单位的 aliases（记录不会被改写）",
    ),
    "check.unit_no_nearest": (
        "add it to the aliases of the unit it stands for, or add the unit under units: (entries are never rewritten)",
        "请把它加入所指单位的 aliases，或在 units: 中添加该单位（记录不会被改写）",
    ),
    "check.unknown_unit": (
        'unit "{unit}" (entries: {count}) is not a unit of the plan, so those entries count for no unit; {hint}',
        "单位“{unit}”（{count} 条记录）不是计划中的单位，这些记录不计入任何单位；{hint}",
    ),
    "check.void_missing_entry": (
        "void #{void} is for entry #{id}, which does not exist",
        "作废记录 #{void} 针对的记录 #{id} 不存在",
    ),
    "check.year_count": ("{year}: {count}", "{year} 年 {count} 条"),
    # --- cli: command-line arguments the commands check themselves --------------------------------
    "cli.extra_argument": (
        "unexpected argument {argument!r}; see: kxplan {command} --help",
        "多余的参数 {argument!r}；请查看：kxplan {command} --help",
    ),
    "cli.unknown_option": (
        "no such option {option}; see: kxplan {command} --help",
        "没有选项 {option}；请查看：kxplan {command} --help",
    ),
    # --- complete: shell completion help (cli/completion.py) --------------------------------------
    "complete.current": ("the current quarter", "本季度"),
    "complete.previous": ("the previous quarter", "上季度"),
    "complete.quarter": ("{start} to {end}", "{start} 至 {end}"),
    # --- csv: reading import files (csvio.py) -----------------------------------------------------
    "csv.bad_encoding": (
        "{file} is not valid {encoding} (byte {byte} on line {line}); check --encoding",
        "{file} 不是有效的 {encoding} 编码（第 {line} 行字节 {byte}）；请检查 --encoding",
    ),
    "csv.cell_count": (
        "{cells} cells but the header has {columns} columns",
        "有 {cells} 个单元格，但表头有 {columns} 列",
    ),
    "csv.detected": (
        "{file} is not UTF-8; read it as {encoding} (give --encoding to choose)",
        "{file} 不是 UTF-8 编码；已按 {encoding} 读取（可用 --encoding 指定）",
    ),
    "csv.duplicate_column": (
        "{place}: column {column!r} appears twice; keep one",
        "{place}: 列 {column!r} 出现两次；只保留一个",
    ),
    "csv.duplicate_field": (
        "{place}: column {column!r} and column {first!r} are both {field}; keep one",
        "{place}: 列 {column!r} 与列 {first!r} 都是 {field}；只保留一个",
    ),
    "csv.empty": (
        "{file} is empty; it needs a header row such as {columns}",
        "{file} 是空文件；需要表头行，如 {columns}",
    ),
    "csv.is_directory": (
        "{file} is a directory; give a CSV file",
        "{file} 是目录；请指定 CSV 文件",
    ),
    "csv.missing_columns": (
        "{place}: missing column(s) {columns}; target and date are required",
        "{place}: 缺少列 {columns}；目标和日期两列是必需的",
    ),
    "csv.mixed_encodings": (
        "{file} mixes encodings: line {utf8} is UTF-8 but line {other} is not (GBK?); save the whole file once as “CSV UTF-8”, or give its encoding, e.g. --encoding gbk",
        "{file} 混用了编码：第 {utf8} 行是 UTF-8，第 {other} 行却不是（GBK？）；请把整个文件另存为“CSV UTF-8”，或指定编码，如 --encoding gbk",
    ),
    "csv.not_found": ("{file} does not exist", "{file} 不存在"),
    "csv.not_regular": (
        "{file} is not a regular file (a device, pipe or socket); save the data to a .csv file and import that",
        "{file} 不是普通文件（而是设备、管道或套接字）；请把数据保存为 .csv 文件再导入",
    ),
    "csv.not_text_encoding": (
        "{encoding!r} is not an encoding for text files; use e.g. utf-8, gbk or gb18030",
        "{encoding!r} 不是文本文件的编码；请使用 utf-8、gbk 或 gb18030 等",
    ),
    "csv.not_utf8": (
        "{file} is not UTF-8 (byte {byte} on line {line}); save it as “CSV UTF-8” or give its encoding, e.g. --encoding gbk",
        "{file} 不是 UTF-8 编码（第 {line} 行字节 {byte}）；请另存为“CSV UTF-8”，或指定编码，如 --encoding gbk",
    ),
    "csv.separator": (
        "{file} is not comma-separated; save it as CSV with commas",
        "{file} 不是逗号分隔的；请另存为逗号分隔的 CSV",
    ),
    "csv.syntax": (
        "{file}:{line}: bad CSV ({reason}); check the quotes on this line",
        "{file}:{line}: CSV 格式错误（{reason}）；请检查本行的引号",
    ),
    "csv.too_large": (
        "{file} is larger than {limit}, the most one import reads; split it into several files",
        "{file} 超过 {limit}（单次导入的上限）；请拆分为多个文件",
    ),
    "csv.unknown_column": (
        "{place}: unknown column {column!r}; the columns are {columns} or their Chinese names (see kxplan import --help)",
        "{place}: 未知的列 {column!r}；可用的列为 {columns} 或其中文名称（见 kxplan import --help）",
    ),
    "csv.unknown_column_hint": (
        "{place}: unknown column {column!r}; did you mean {hint!r}?",
        "{place}: 未知的列 {column!r}；您是否要写 {hint!r}？",
    ),
    "csv.unknown_encoding": (
        "unknown encoding {encoding!r}; use e.g. utf-8, gbk or gb18030",
        "未知的编码 {encoding!r}；请使用 utf-8、gbk 或 gb18030 等",
    ),
    "csv.unreadable": ("cannot read {file}: {reason}", "无法读取 {file}：{reason}"),
    "csv.utf16": (
        "{file} is UTF-16 text; save it as “CSV UTF-8” (comma-separated)",
        "{file} 是 UTF-16 文本；请另存为“CSV UTF-8（逗号分隔）”",
    ),
    # --- db: kxplan db init, add-clerk, copy (cli/db_cmds.py, store/postgres/, store/copy.py) -----
    "db.clerk_added": (
        "{login} may now read {path} and record and void entries of {unit}",
        "{login} 现在可以查看 {path}，并登记和作废“{unit}”的进展",
    ),
    "db.clerk_added_all": (
        "{login} may now read {path} and record and void entries of every unit",
        "{login} 现在可以查看 {path}，并登记和作废所有单位的进展",
    ),
    "db.clerk_bad_login": (
        "login {login!r} is not a plain name; use lower-case letters, digits and _ (starting with a letter), e.g. nanhu_clerk",
        "登录名 {login!r} 不合规；请使用小写字母、数字和下划线（以字母开头），如 nanhu_clerk",
    ),
    "db.clerk_exists": (
        "login {login} is already a clerk of this database (unit {unit}; * = all units); nothing was changed",
        "登录名 {login} 已是本数据库的登记员（单位 {unit}；* 表示全部单位），未作改动",
    ),
    "db.clerk_is_admin": (
        "{login} is the login running this command; a clerk needs a login of its own",
        "{login} 是执行本命令的登录名；登记员需要单独的登录名",
    ),
    "db.clerk_needs_server": (
        "{path} is an SQLite file: clerks with their own logins need a PostgreSQL server; give its URL with --db postgresql://…",
        "{path} 是 SQLite 文件：登记员独立登录需要 PostgreSQL 服务器；请用 --db postgresql://… 指定",
    ),
    "db.clerk_no_password": (
        "{login} has no password yet; set one with: psql -c '\\password {login}' (or add-clerk --password-stdin)",
        "{login} 还没有密码；请用 psql -c '\\password {login}' 设置（或使用 add-clerk --password-stdin）",
    ),
    "db.clerk_superuser": (
        "login {login} is a superuser or bypasses row-level security, so the per-unit rules would not apply to it; give the clerk a login of its own",
        "登录名 {login} 是超级用户或可绕过行级安全，单位限制对其无效；请为登记员另建登录名",
    ),
    "db.clerk_unit_required": (
        "give the clerk's unit with --unit UNIT, or --all-units for the city office (one of the two)",
        "请用 --unit 单位 指定登记员所属单位，或用 --all-units 表示市科协（二者选一）",
    ),
    "db.copy_done": (
        "copied {entries} entries and {voids} voids from {source} to {dest}; counts and {targets} per-target totals verified",
        "已从 {source} 复制 {entries} 条进展和 {voids} 条作废记录到 {dest}；条数和 {targets} 项目标合计已核对",
    ),
    "db.copy_not_empty": (
        "{path} already holds {entries} entries and {voids} voids; a copy goes into a new or empty database only — nothing was written",
        "{path} 中已有 {entries} 条进展和 {voids} 条作废记录；只能复制到新的或空的数据库，未写入任何内容",
    ),
    "db.copy_same": (
        "the source and the destination are the same database {path}; give another DEST",
        "源数据库和目标数据库相同（{path}）；请另选 DEST",
    ),
    "db.copy_verify_failed": (
        "the copy into {path} does not match the source ({reason}); it was rolled back — nothing was written",
        "复制到 {path} 的数据与源数据库不一致（{reason}），已全部撤销，未写入任何内容",
    ),
    "db.init_created": (
        "created kxplan's tables (schema {version}) in {path}",
        "已在 {path} 中建立 kxplan 数据表（数据库版本 {version}）",
    ),
    "db.init_current": (
        "{path} is up to date (schema {version}); nothing to do",
        "{path} 已是最新（数据库版本 {version}），无需操作",
    ),
    "db.init_upgraded": (
        "upgraded {path} from schema {before} to {version}",
        "已将 {path} 从数据库版本 {before} 升级到 {version}",
    ),
    "db.password_empty": (
        "no password on standard input; write it as the first line (e.g. from a file: < password.txt)",
        "标准输入中没有密码；请在第一行给出（例如从文件读取：< password.txt）",
    ),
    "db.summary_none": (
        "{path}: this engine keeps no per-day summary (status and reports read the entries); nothing to do",
        "{path}：该数据库引擎不保存每日汇总（状态和报告直接读取进展记录），无需操作",
    ),
    "db.summary_rebuilt": (
        "{path}: per-day summary rebuilt from the entries ({rows} rows); entries and voids unchanged",
        "{path}：已按进展记录重建每日汇总（{rows} 行）；进展和作废记录未改变",
    ),
    # --- diff: kxplan plan diff (plandiff.py, cli/plan_diff_cmd.py) -------------------------------
    "diff.added": ("{where}: added: {what}", "{where}: 新增：{what}"),
    "diff.changed": ("{where}: {field} {old} → {new}", "{where}: {field} {old} → {new}"),
    "diff.git_exit": ("git exited with status {code}", "git 以状态 {code} 退出"),
    "diff.git_failed": (
        "cannot read {spec} from git: {reason}",
        "无法从 git 读取 {spec}：{reason}",
    ),
    "diff.git_missing": (
        "cannot read {spec}: git is not installed or not on PATH",
        "无法读取 {spec}：未安装 git 或 git 不在 PATH 中",
    ),
    "diff.invalid_plan": (
        "{spec} is not a valid plan ({count} problem(s) above); the diff needs two valid plans",
        "{spec} 不是有效的计划（问题见上，共 {count} 个）；比较需要两份有效的计划",
    ),
    "diff.merged": (
        "{where}: takes over the entries of {old}, which is removed (renamed_from)",
        "{where}: 接收 {old} 的记录（renamed_from），{old} 已删除",
    ),
    "diff.more": (" (+{count} more)", "（另有 {count} 处）"),
    "diff.none": ("(none)", "（无）"),
    "diff.not_a_file": (
        "{spec} is a git {kind}, not a file; write REV:PATH to a plan file",
        "{spec} 是 git 的 {kind}，不是文件；请写成指向计划文件的 版本:路径",
    ),
    "diff.not_found": (
        "{spec} does not exist; give a plan file or a git object REV:PATH such as HEAD~1:plans/2019.yaml",
        "{spec} 不存在；请给出计划文件或 git 对象 版本:路径，如 HEAD~1:plans/2019.yaml",
    ),
    "diff.orphans": (
        " — recorded entries it would orphan: {count}",
        "——将失去对应目标的已登记记录：{count} 条",
    ),
    "diff.orphans_hint": (
        " (entries recorded under {ids} are kept only with renamed_from: [{ids}])",
        "（{ids} 下已登记的记录须写 renamed_from: [{ids}] 才能保留）",
    ),
    "diff.orphans_skipped": (
        "entries that would be orphaned are not counted: {reason}",
        "未统计将失去对应目标的记录：{reason}",
    ),
    "diff.removed": ("{where}: removed: {what}", "{where}: 删除：{what}"),
    "diff.renamed": ("{where}: renamed from {old}", "{where}: 由 {old} 改名"),
    "diff.target_summary": ("{title} ({goal})", "{title}（{goal}）"),
    "diff.text": ("{where}: {field} {diff}", "{where}: {field} {diff}"),
    "diff.where_plan": ("plan", "计划"),
    "diff.where_point": ("point {n}", "第{n}条要点"),
    "diff.where_section": ("section {n}", "第{n}部分"),
    "diff.where_unit": ("unit {id}", "单位 {id}"),
    # --- entry: entry validation shared by record, import and add (entry.py) ----------------------
    "entry.amount_not_finite": (
        'amount must be a finite number such as 3 or 2.5, not "{value}"',
        '数量必须是有限的数字，如 3 或 2.5，而不是 "{value}"',
    ),
    "entry.amount_not_for_activity": (
        '{target} is an activity: it takes no amount (got "{value}"); describe what happened in the note',
        '{target} 是持续性工作：不能填写数量（收到 "{value}"）；请在备注中说明开展情况',
    ),
    "entry.amount_not_for_milestone": (
        '{target} is a milestone: it takes no amount (got "{value}"); recording it marks it done on the date',
        '{target} 是里程碑：不能填写数量（收到 "{value}"）；登记即表示在该日期完成',
    ),
    "entry.amount_not_number": (
        'amount must be a number greater than 0 such as 3 or 2.5, not "{value}"',
        '数量必须是大于 0 的数字，如 3 或 2.5，而不是 "{value}"',
    ),
    "entry.amount_not_positive": (
        "amount must be greater than 0, not {value}; to correct an entry, void it (kxplan void ID --reason …)",
        "数量必须大于 0，而不是 {value}；如需更正，请作废原记录（kxplan void 编号 --reason …）",
    ),
    "entry.amount_places": (
        "{target} is counted in {unit} to at most {places} decimal place(s): {value} has more; round it",
        "{target} 以“{unit}”计，最多保留 {places} 位小数：{value} 超出，请四舍五入后登记",
    ),
    "entry.amount_separator": (
        'amount "{value}" has a comma that does not separate thousands; write decimals with a point (2.5) and thousands as 1,200',
        '数量 "{value}" 中的逗号不是千位分隔符；小数请用小数点（如 2.5），千位写成 1,200',
    ),
    "entry.amount_too_large": (
        "amount {value} is too large; the most one entry can record is {limit}",
        "数量 {value} 过大；单条记录最多为 {limit}",
    ),
    "entry.amount_whole": (
        "{target} counts whole {unit}: {value} is not a whole number; record whole {unit}",
        "{target} 以“{unit}”计，只能登记整数：{value} 不是整数",
    ),
    "entry.control_chars": (
        "{field} contains a control character; remove it (only a note may have line breaks)",
        "{field} 含有控制字符；请删除（只有备注可以换行）",
    ),
    "entry.date_format": (
        'date "{value}" is not a date; write it like 2019-07-04, 2019/7/4, 2019.7.4 or 2019年7月4日 (a time after it is allowed)',
        '日期 "{value}" 无法识别；请写成 2019-07-04、2019/7/4、2019.7.4 或 2019年7月4日 的形式（后面可带时间）',
    ),
    "entry.date_future": (
        "{value} is after today ({today}): planned work is not progress; record it on or after the day it is done",
        "{value} 晚于今天（{today}）：计划中的工作不是进展，请在完成当天或之后登记",
    ),
    "entry.date_invalid": (
        "date {value} is not a real date",
        "日期 {value} 不存在",
    ),
    "entry.date_outside_year": (
        "date {value} is outside the plan year {year}; give a date in {year}",
        "日期 {value} 不在计划年度 {year} 内；请填写 {year} 年的日期",
    ),
    "entry.date_required": (
        "the date is empty; write it as YYYY-MM-DD",
        "日期为空；请按 YYYY-MM-DD 格式填写",
    ),
    "entry.date_serial": (
        'date "{value}" is a number (an Excel date serial, i.e. {day}?); format the cell as a date or write it like 2019-07-04',
        '日期 "{value}" 是一个数字（Excel 的日期序号，即 {day}？）；请把单元格设为日期格式，或写成 2019-07-04 的形式',
    ),
    "entry.duplicate_item": (
        '{target}: item "{item}" is already counted in entry #{id}; if that entry is wrong, void it first (kxplan void {id} --reason …)',
        '{target}：项目 "{item}" 已计入记录 #{id}；如该记录有误，请先作废（kxplan void {id} --reason …）',
    ),
    "entry.milestone_done": (
        "{target} is already marked done by entry #{id} on {date}; to change the date, void #{id} first",
        "{target} 已由记录 #{id} 标记于 {date} 完成；如需改日期，请先作废 #{id}",
    ),
    "entry.not_utf8": (
        "{field} holds bytes that are not UTF-8 text (a terminal or script in another encoding); type it again in UTF-8",
        "{field} 含有不是 UTF-8 文本的字节（终端或脚本使用了其他编码）；请用 UTF-8 重新输入",
    ),
    "entry.note_required": (
        '{target} is an activity: give a note saying what was done (--note "…" or the note column)',
        '{target} 是持续性工作：请填写备注说明开展了什么（--note "…" 或 note 列）',
    ),
    "entry.or": (" or ", " 或 "),
    "entry.repeat": (
        "identical to entry #{id} ({target} on {date}: same amount, item, note and unit), so not recorded twice; if it really happened again, add --again",
        "与 #{id} 完全相同（{target}，{date}，数量、事项、备注、单位都一样），未重复登记；如确实又发生了一次，请加 --again 再登记",
    ),
    "entry.target_required": (
        "the target id is empty; give one such as p4.workstations (see: kxplan plan show)",
        "目标编号为空；请填写如 p4.workstations 的编号（见 kxplan plan show）",
    ),
    "entry.target_title_mismatch": (
        'target "{value}": the title after the id is not the plan\'s title of {target}; write the id {target} alone or choose it from the list',
        '目标 "{value}"：编号后的名称与计划中 {target} 的名称不符；请只写编号 {target}，或从下拉列表中选择',
    ),
    "entry.today_outside_year": (
        "today ({today}) is outside the plan year {year}; give the date with --date YYYY-MM-DD",
        "今天（{today}）不在计划年度 {year} 内；请用 --date YYYY-MM-DD 指定日期",
    ),
    "entry.too_long": (
        "{field} is {length} characters long; the limit is {limit}",
        "{field} 长度为 {length} 个字符；上限为 {limit}",
    ),
    "entry.total_too_large": (
        "{target}: this would bring the total to {total}, more than kxplan can add up ({limit}); check the amount",
        "{target}：登记后合计将达到 {total}，超过 kxplan 可累计的上限（{limit}）；请检查数量",
    ),
    "entry.unknown_target": (
        'unknown target id "{target}"; see the ids with: kxplan plan show',
        '未知的目标编号 "{target}"；可用 kxplan plan show 查看所有编号',
    ),
    "entry.unknown_target_hint": (
        'unknown target id "{target}"; did you mean {hints}?',
        '未知的目标编号 "{target}"；您是否要写 {hints}？',
    ),
    # --- env: the environment (cli/env.py) --------------------------------------------------------
    "env.bad_today": (
        "KXPLAN_TODAY must be a date YYYY-MM-DD, not {value!r}",
        "KXPLAN_TODAY 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    # --- error: how errors are printed (cli/__init__.py) ------------------------------------------
    "error.after_commit": (
        "saved, but afterwards",
        "已保存，但随后",
    ),
    "error.interrupted": ("interrupted; nothing was written", "已中断，未写入任何内容"),
    "error.prefix": ("error", "错误"),
    "error.unexpected": (
        "unexpected internal error: {error} (please report it; KXPLAN_DEBUG=1 shows the details)",
        "意外的内部错误：{error}（请报告此问题；设置 KXPLAN_DEBUG=1 可查看详情）",
    ),
    # --- export: kxplan export (cli/entry_cmds.py) ------------------------------------------------
    "export.bad_format": (
        "format must be csv, json or xlsx, not {value!r}",
        "格式必须是 csv、json 或 xlsx，而不是 {value!r}",
    ),
    "export.done": ("wrote {count} entries to {path}", "已将 {count} 条记录写入 {path}"),
    "export.out_exists": (
        "{path} already exists; choose another file name, or replace it with --force",
        "{path} 已存在；请换一个文件名，或用 --force 替换",
    ),
    "export.out_is_database": (
        "{path} is the kxplan database; give the export another file name with --out",
        "{path} 是 kxplan 数据库；请用 --out 为导出另选文件名",
    ),
    "export.out_is_directory": (
        "{path} is a directory; give a file name with --out",
        "{path} 是目录；请用 --out 指定文件名",
    ),
    "export.out_is_plan": (
        "{path} is the plan file; give the export another file name with --out",
        "{path} 是计划文件；请用 --out 为导出另选文件名",
    ),
    "export.out_is_sqlite": (
        "{path} is an SQLite database; export never overwrites one, even with --force; give another file name with --out",
        "{path} 是 SQLite 数据库；导出从不覆盖数据库（即使加 --force）；请用 --out 另选文件名",
    ),
    "export.out_not_a_file": (
        "{path} is not a regular file; give a file name with --out",
        "{path} 不是普通文件；请用 --out 指定文件名",
    ),
    "export.xlsx_needs_out": (
        "an XLSX export needs a file: add --out FILE.xlsx",
        "导出 XLSX 需要指定文件：请加上 --out 文件名.xlsx",
    ),
    # --- file: what an import file really is, and reading workbooks (tables.py) -------------------
    "file.is_archive": (
        "{file} is a compressed archive; unpack it and import the .xlsx or .csv file inside",
        "{file} 是压缩包；请先解压，再导入其中的 .xlsx 或 .csv 文件",
    ),
    "file.is_html": (
        "{file} is a web page (HTML), not a workbook; open it in Excel and save it as .xlsx",
        "{file} 是网页（HTML）文件，不是工作簿；请用 Excel 打开后另存为 .xlsx",
    ),
    "file.is_image": (
        "{file} is an image, not a spreadsheet; import an .xlsx or .csv file",
        "{file} 是图片，不是表格；请导入 .xlsx 或 .csv 文件",
    ),
    "file.is_pdf": (
        "{file} is a PDF document, not a spreadsheet; import the .xlsx or .csv file it was made from",
        "{file} 是 PDF 文档，不是表格；请导入生成它的 .xlsx 或 .csv 文件",
    ),
    "file.is_sqlite": (
        "{file} is an SQLite database, not a spreadsheet; import an .xlsx or .csv file",
        "{file} 是 SQLite 数据库，不是表格；请导入 .xlsx 或 .csv 文件",
    ),
    # --- help: help texts of commands, arguments and options (cli/*) ------------------------------
    "help.add": (
        "Record progress by answering questions: choose the work point and target from a numbered list (type part of a title or id to search), then the date, amount or note, unit and evidence; see a summary and confirm. Answers may be piped on stdin, one per line. Nothing is written before you confirm: Ctrl-C exits with 130, end of input with 1, answering n with 0.\n\nExample: kxplan add",
        "逐项回答问题来登记进展：从编号列表中选择工作要点和目标（输入标题或编号中的几个字可查找），再填日期、数量或备注、单位和佐证，核对后确认。也可以从标准输入逐行提供答案。确认之前不会写入任何内容：按 Ctrl-C 退出码为 130，输入结束为 1，回答 n 为 0。\n\n示例：kxplan add",
    ),
    "help.app": (
        "Track the annual work plan: check the YAML plan, record progress, see status, render quarterly reports.\n\nExample: kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
        "年度工作要点进度跟踪：检查 YAML 计划、登记进展、查看进度、生成季度报告。\n\n示例：kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
    ),
    "help.arg.add_target": (
        "Target id to start with (optional; otherwise choose it from a list).",
        "直接指定目标编号（可不填，不填则从列表中选择）。",
    ),
    "help.arg.amount": (
        "Amount for a count target (default 1); not for milestones or activities.",
        "计数目标的数量（默认 1）；里程碑和持续性工作不填。",
    ),
    "help.arg.backup_dest": (
        "The backup file to write (a file name, not a folder).",
        "要写入的备份文件（文件名，不能是文件夹）。",
    ),
    "help.arg.copy_dest": (
        "where to copy it: a new SQLite file, or an empty database",
        "复制到：新的 SQLite 文件或空数据库",
    ),
    "help.arg.copy_src": (
        "the database to copy: an SQLite file or a postgresql:// URL",
        "要复制的数据库：SQLite 文件或 postgresql:// 地址",
    ),
    "help.arg.csv": (
        "CSV file or .xlsx workbook to import (read by its content, whatever its name).",
        "要导入的 CSV 文件或 .xlsx 工作簿（按内容识别，与扩展名无关）。",
    ),
    "help.arg.diff_new": (
        "The plan after the edit: a file, or REV:PATH.",
        "修改后的计划：文件，或 版本:路径。",
    ),
    "help.arg.diff_old": (
        "The plan before the edit: a file, or REV:PATH such as HEAD~1:plans/2019.yaml.",
        "修改前的计划：文件，或 版本:路径，如 HEAD~1:plans/2019.yaml。",
    ),
    "help.arg.entry_id": ("Entry id (see kxplan log).", "记录编号（见 kxplan log）。"),
    "help.arg.login": (
        "the login (role) name: lower-case letters, digits, _",
        "登录名（角色名）：小写字母、数字、下划线",
    ),
    "help.arg.plan_files": (
        "Plan files to check (default: the current plan).",
        "要检查的计划文件（默认：当前计划）。",
    ),
    "help.arg.show_target": (
        "Target id, e.g. p4.workstations (an old id from renamed_from works too).",
        "目标编号，如 p4.workstations（renamed_from 中的旧编号也可以）。",
    ),
    "help.arg.target": ("Target id, e.g. p4.workstations.", "目标编号，如 p4.workstations。"),
    "help.backup": (
        "Back up the database to the file DEST while others may be writing, verify the copy, and say so.\n\nExample: kxplan backup /backup/kxplan-2019-12-31.db",
        "在他人可能正在写入时把数据库备份到文件 DEST，校验副本并报告结果。\n\n示例：kxplan backup /backup/kxplan-2019-12-31.db",
    ),
    "help.check": (
        "Check the plan and the database together. Prints nothing and exits 0 when all is well; otherwise one line per problem and exit 1.\n\nExample: kxplan check && kxplan report --quarter previous",
        "同时检查计划和数据库。一切正常时不输出任何内容并以 0 退出；否则每个问题一行，以 1 退出。\n\n示例：kxplan check && kxplan report --quarter previous",
    ),
    "help.db": (
        "Administer the database: create its schema, add clerks, copy it between stores.\n\nExample: kxplan --db postgresql://kxadmin@db.example/kxplan db init",
        "管理数据库：建立数据表、添加登记员、在数据库之间复制。\n\n示例：kxplan --db postgresql://kxadmin@db.example/kxplan db init",
    ),
    "help.db.add_clerk": (
        "Make LOGIN a clerk on the PostgreSQL server: it reads everything and records and voids entries of its unit only (--all-units: of every unit, for the city office).\n\nExample: kxplan --db postgresql://kxadmin@db.example/kxplan db add-clerk nanhu --unit 南湖区科协",
        "在 PostgreSQL 服务器上把 LOGIN 设为登记员：可查看全部数据，只能登记和作废本单位的进展（--all-units：全部单位，供市科协使用）。\n\n示例：kxplan --db postgresql://kxadmin@db.example/kxplan db add-clerk nanhu --unit 南湖区科协",
    ),
    "help.db.copy": (
        "Copy a whole database (every entry and void, ids kept) from SRC into a new or empty DEST, SQLite or PostgreSQL, and verify the counts and per-target totals.\n\nExample: kxplan db copy kxplan.db postgresql://kxadmin@db.example/kxplan",
        "把整个数据库（全部进展和作废记录，编号不变）从 SRC 复制到新的或空的 DEST（SQLite 或 PostgreSQL），并核对条数和各目标合计。\n\n示例：kxplan db copy kxplan.db postgresql://kxadmin@db.example/kxplan",
    ),
    "help.db.init": (
        "Create or upgrade kxplan's schema in the --db database (PostgreSQL: the administrator does this once, and after upgrading kxplan).\n\nExample: kxplan --db postgresql://kxadmin@db.example/kxplan db init",
        "在 --db 指定的数据库中建立或升级 kxplan 数据表（PostgreSQL：由管理员执行一次，升级 kxplan 后再执行一次）。\n\n示例：kxplan --db postgresql://kxadmin@db.example/kxplan db init",
    ),
    "help.db.rebuild_summary": (
        "Rebuild the per-day summary that status and reports read from the entries, when kxplan check says it disagrees with them (entries and voids are only read).\n\nExample: kxplan db rebuild-summary",
        "当 kxplan check 提示每日汇总与进展记录不符时，按进展记录重建状态和报告读取的每日汇总（进展和作废记录只读不改）。\n\n示例：kxplan db rebuild-summary",
    ),
    "help.default": ("[default: {}]", "[默认：{}]"),
    "help.envvar": ("[env var: {}]", "[环境变量：{}]"),
    "help.export": (
        "Export entries as CSV (UTF-8 with a BOM in --out files, for Excel), JSON, or an Excel workbook (--format xlsx: a 登记明细 sheet of every entry, voided ones marked, and a 进度 sheet per quarter); CSV and XLSX import back.\n\nExample: kxplan export --format xlsx --out 2019进展.xlsx",
        "导出记录为 CSV（--out 文件为带 BOM 的 UTF-8，便于 Excel 打开）、JSON 或 Excel 工作簿（--format xlsx：“登记明细”表含全部记录并标出已作废的，每季度一张“进度”表）；CSV 和 XLSX 可再导入。\n\n示例：kxplan export --format xlsx --out 2019进展.xlsx",
    ),
    "help.import": (
        "Import entries from a CSV file or an Excel workbook (.xlsx); all rows or none, rows imported before are skipped. The columns are named in the header row, in English or Chinese (see below).\n\nExample: kxplan import 秀洲区科协-2019Q3.xlsx --dry-run",
        "从 CSV 文件或 Excel 工作簿（.xlsx）导入记录；要么全部导入要么都不导入，此前导入过的行会跳过。各列由表头行写明，中英文均可（见下文）。\n\n示例：kxplan import 秀洲区科协-2019Q3.xlsx --dry-run",
    ),
    "help.import_columns": (
        "Columns: the header row names them, in any order and case, in English or Chinese (a title row above it is passed over):\n\n{columns}\n\nColumns headed {ignored} are ignored; a row with nothing but a unit is blank. Dates may be written 2019-07-04, 2019/7/4, 2019.7.4 or 2019年7月4日 (or be Excel dates); amounts may have thousands separators and full-width digits.",
        "各列：表头行写明各列，顺序、大小写不限，中英文均可（表头上方的标题行会被跳过）：\n\n{columns}\n\n表头为 {ignored} 的列不读取；只填了单位的行视为空行。日期可写成 2019-07-04、2019/7/4、2019.7.4 或 2019年7月4日（或为 Excel 日期）；数量可带千位分隔符和全角数字。",
    ),
    "help.log": (
        "List entries in date order (voided ones only with --all).\n\nExample: kxplan log --quarter 2019Q2 --target p4.workstations",
        "按日期列出记录（作废的记录仅在 --all 时列出）。\n\n示例：kxplan log --quarter 2019Q2 --target p4.workstations",
    ),
    "help.opt.again": (
        "Record it even though a live entry is identical (same target, date, amount, item, note and unit): it really happened twice.",
        "即使已有完全相同的有效记录（目标、日期、数量、事项、备注、单位都一样）也登记：确实发生了两次。",
    ),
    "help.opt.all": ("Include voided entries, marked.", "包括已作废的记录（加标记）。"),
    "help.opt.all_units": (
        "the clerk may record for every unit (the city office)",
        "可为全部单位登记（市科协）",
    ),
    "help.opt.as_of": (
        "Show progress as of this date YYYY-MM-DD, inside the plan year (default: today, kept inside the plan year).",
        "按此日期 YYYY-MM-DD 查看进度，须在计划年度内（默认：今天，超出计划年度时取年度首日或末日）。",
    ),
    "help.opt.by": (
        "Who records (default: the OS user).",
        "登记人（默认：系统用户名）。",
    ),
    "help.opt.by_unit": (
        "Show which unit is behind: one row per unit, one column per allocated target (done / allocation, %, the unit's share of expected pace, status), worst first; with --json the document gains units.",
        "查看哪个单位落后：每个单位一行，每个分解目标一列（完成/分解、完成率、按分解数分摊的序时进度、状态），最落后的在前；与 --json 合用时输出增加 units。",
    ),
    "help.opt.clerk_unit": ("the unit this clerk records for", "此登记员所属单位"),
    "help.opt.date": (
        "When it happened: 2019-07-04, 2019/7/4 or 2019年7月4日 (default: today).",
        "发生日期：2019-07-04、2019/7/4 或 2019年7月4日（默认：今天）。",
    ),
    "help.opt.db": ("SQLite database file.", "SQLite 数据库文件。"),
    "help.opt.dry_run": (
        "Check every row and say what would be imported; write nothing.",
        "检查每一行并说明将导入什么，不写入。",
    ),
    "help.opt.encoding": (
        "File encoding, e.g. gbk (default: UTF-8, GB18030 detected).",
        "文件编码，如 gbk（默认 UTF-8，可自动识别 GB18030）。",
    ),
    "help.opt.evidence": (
        "Evidence: a URL or document reference.",
        "佐证：网址或文件编号。",
    ),
    "help.opt.exit_code": (
        "Exit with 1 when the plans differ, 0 when they are equivalent (like git diff --exit-code).",
        "计划有差异时退出码为 1，等价时为 0（同 git diff --exit-code）。",
    ),
    "help.opt.export_all": (
        "Include voided entries, with id, recorded_at and void columns.",
        "包括已作废的记录，并附 id、recorded_at 和作废信息列。",
    ),
    "help.opt.export_force": (
        "Replace the --out file if it exists (never a database or the plan file).",
        "--out 文件已存在时替换它（数据库和计划文件除外）。",
    ),
    "help.opt.force": (
        "Replace DEST if it exists (only once the new copy is verified).",
        "DEST 已存在时替换它（新副本校验通过后才替换）。",
    ),
    "help.opt.format": ("csv, json or xlsx (needs --out).", "csv、json 或 xlsx（需 --out）。"),
    "help.opt.help": ("Show this message and exit.", "显示此帮助并退出。"),
    "help.opt.import_by": (
        "Who records rows without a by column (default: the OS user).",
        "by 列为空的行的登记人（默认：系统用户名）。",
    ),
    "help.opt.install_completion": (
        "Install shell completion (bash, zsh, fish) for the current shell.",
        "为当前 shell（bash、zsh、fish）安装命令补全。",
    ),
    "help.opt.item": (
        "Name of the counted thing (each item is counted once).",
        "计入的具体事项名称（同一事项只计一次）。",
    ),
    "help.opt.json": ("Print JSON instead of text.", "输出 JSON 而不是文本。"),
    "help.opt.lang": (
        "Interface language: zh or en (default: the plan's lang, else the locale).",
        "界面语言：zh 或 en（默认：计划的 lang，否则按系统区域设置）。",
    ),
    "help.opt.log_target": ("Only this target.", "只列出该目标。"),
    "help.opt.log_unit": (
        "Only entries of this unit (its id, name or alias).",
        "只列出该单位的记录（单位代码、名称或别名）。",
    ),
    "help.opt.note": ("Note (required for an activity).", "备注（持续性工作必填）。"),
    "help.opt.out": (
        "Write to this file (atomically) instead of stdout.",
        "写入该文件（原子写入）而不是标准输出。",
    ),
    "help.opt.password_stdin": (
        "read the login's password from the first line of standard input",
        "从标准输入的第一行读取此登录名的密码",
    ),
    "help.opt.plan": (
        "Plan file (default: the only plans/*.yaml, else this year's).",
        "计划文件（默认：plans/ 下唯一的 yaml 文件，否则为本年度的）。",
    ),
    "help.opt.point": ("Show only work point N.", "只显示第 N 条工作要点。"),
    "help.opt.quarter": ("Only this quarter, e.g. 2019Q2.", "只列出该季度，如 2019Q2。"),
    "help.opt.reason": ("Why the entry is voided (required).", "作废原因（必填）。"),
    "help.opt.sample": (
        "The file is sample data (a demo year): mark the database so that every report, status and show from it carries a 示例数据 / SAMPLE DATA banner. Only into a database holding no real entries; the mark is never removed.",
        "该文件是示例数据（演示用）：给数据库加上标记，由它生成的每份报告、status 和 show 都显示“示例数据”横幅。只能导入不含真实登记的数据库；标记不会取消。",
    ),
    "help.opt.section": ("Show only section N.", "只显示第 N 部分。"),
    "help.opt.sheet": (
        "The worksheet to read (default: the first visible one).",
        "要读取的工作表（默认：第一个可见的工作表）。",
    ),
    "help.opt.show_as_of": (
        "Progress as of this date YYYY-MM-DD (default: today, inside the plan year).",
        "按此日期 YYYY-MM-DD 计算进度（默认：今天）。",
    ),
    "help.opt.show_completion": (
        "Show the completion script for the current shell.",
        "显示当前 shell 的补全脚本。",
    ),
    "help.opt.show_json": (
        "Print JSON (keys described above).",
        "输出 JSON（键的说明见上文）。",
    ),
    "help.opt.status_unit": (
        "Show the plan as this unit sees it (its id, name or alias): its allocations as goals, its own entries only.",
        "按单位查看（单位代码、名称或别名）：以该单位的分解指标为目标，只计该单位的登记。",
    ),
    "help.opt.template_force": ("Replace --out if it exists.", "--out 文件已存在时替换它。"),
    "help.opt.template_format": ("xlsx (default) or csv.", "xlsx（默认）或 csv。"),
    "help.opt.template_out": ("The file to write (atomically).", "要写入的文件（原子写入）。"),
    "help.opt.template_quarter": (
        "Only dates of this quarter, e.g. 2019Q3 (default: the plan year).",
        "只接受该季度的日期，如 2019Q3（默认：计划年度）。",
    ),
    "help.opt.template_unit": (
        "The office the template is for (its name or id in the plan; free text when the plan has no units).",
        "模板所属单位（计划中的单位名称或编号；计划未列单位时可自由填写）。",
    ),
    "help.opt.undo_by": (
        "Who you are (default: the OS user); only your entries are undone.",
        "您是谁（默认：系统用户名）；只撤销此人的记录。",
    ),
    "help.opt.unit": (
        "Organisational unit: its id, name or alias in the plan (e.g. xiuzhou or 秀洲区科协); stored as the unit's id.",
        "单位：计划中的单位代码、名称或别名（如 xiuzhou 或 秀洲区科协）；按单位代码保存。",
    ),
    "help.opt.version": ("Show the version and exit.", "显示版本号并退出。"),
    "help.opt.yes": ("Do not ask for confirmation.", "不再询问，直接撤销。"),
    "help.panel.arguments": ("Arguments", "参数"),
    "help.panel.commands": ("Commands", "命令"),
    "help.panel.options": ("Options", "选项"),
    "help.plan": (
        "Check and show plan files.\n\nExample: kxplan plan check plans/2019.yaml",
        "检查和查看计划文件。\n\n示例：kxplan plan check plans/2019.yaml",
    ),
    "help.plan.check": (
        "Validate plan files; print every problem as file:line:column: message (exit 1 if any).\n\nExample: kxplan plan check plans/2019.yaml",
        "校验计划文件；每个问题输出为 文件:行:列: 说明（有问题时退出码为 1）。\n\n示例：kxplan plan check plans/2019.yaml",
    ),
    "help.plan.diff": (
        "Show what a plan edit means, one change per line: targets added, removed or renamed, goals, dates, texts. OLD and NEW are plan files or git objects REV:PATH.\n\nExample: kxplan plan diff HEAD~1:plans/2019.yaml plans/2019.yaml",
        "逐行显示计划修改的含义：目标的新增、删除、改名，目标数、日期、文字的变化。OLD 和 NEW 为计划文件或 git 对象 版本:路径。\n\n示例：kxplan plan diff HEAD~1:plans/2019.yaml plans/2019.yaml",
    ),
    "help.plan.show": (
        "Show the plan: sections, work points and their targets.\n\nExample: kxplan plan show --json",
        "查看计划：各部分、工作要点及其目标。\n\n示例：kxplan plan show --json",
    ),
    "help.record": (
        "Record progress on a target: a count (AMOUNT, default 1), a milestone done, or an activity (--note).\n\nExample: kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
        "登记某个目标的进展：计数（数量，默认 1）、里程碑完成，或持续性工作（--note）。\n\n示例：kxplan record p4.workstations --date 2019-05-10 --item 某公司院士专家工作站",
    ),
    "help.report": (
        "Render the quarterly progress report (Markdown and/or HTML) into reports/.\n\nExample: kxplan report --quarter 2019Q2",
        "生成季度工作进展报告（Markdown 和/或 HTML），写入 reports/。\n\n示例：kxplan report --quarter 2019Q2",
    ),
    "help.report.as_of": (
        "As-of date YYYY-MM-DD inside the quarter (default: its last day, or today if sooner).",
        "统计截止日期 YYYY-MM-DD，须在该季度内（默认：季度最后一天；本季度则为今天）。",
    ),
    "help.report.format": ("Format: md, html or all.", "格式：md、html 或 all（全部）。"),
    "help.report.known_at": (
        "Ignore entries and voids recorded after this moment (ISO 8601, e.g. 2019-07-05T09:00:00Z; a date means its end, UTC).",
        "忽略此时刻之后登记的内容和作废（ISO 8601，如 2019-07-05T09:00:00Z；只写日期表示当天结束，UTC）。",
    ),
    "help.report.lang": (
        "Language of the report's labels: zh or en (default: the plan's).",
        "报告标签的语言：zh 或 en（默认：计划的语言）。",
    ),
    "help.report.out": ("Folder to write the reports into.", "报告写入的文件夹。"),
    "help.report.quarter": (
        "Quarter: 2019Q2, 2019-Q2, Q2 (the plan's year), current or previous.",
        "季度：2019Q2、2019-Q2、Q2（计划年度）、current（本季度）或 previous（上季度）。",
    ),
    "help.report.stdout": (
        "Print one format (md unless --format html) to stdout instead of writing files.",
        "将一种格式（默认 md，或 --format html）输出到标准输出，不写文件。",
    ),
    "help.report.templates": (
        "Folder of Jinja2 templates overriding the packaged ones by name.",
        "Jinja2 模板文件夹，按文件名覆盖内置模板。",
    ),
    "help.report.unit": (
        "One unit's own report (its id, name or alias): its allocations as goals, its entries only; written to reports/2019-Q2.<unit-id>.md|html.",
        "单个单位的报告（单位代码、名称或别名）：以该单位的分解指标为目标，只计该单位的登记；写入 reports/2019-Q2.<单位代码>.md|html。",
    ),
    "help.required": ("[required]", "[必填]"),
    "help.show": (
        "Show one target's story: the plan's text and goal, every entry and void in date order, cumulative by quarter against expected pace (序时进度), and a small bar chart.\n\nWith --json, one object: target, point, section, as_of, sample (true for sample data); progress {status, colour, actual, expected, percent, done_on, entries, last_entry, stale}; quarters [{quarter, start, end, through, entries, amount, cumulative, expected}] (through: the last day counted, null for a quarter not yet reached); entries as in kxplan log --json, voided ones included.\n\nExample: kxplan show p4.workstations",
        "查看一个目标的来龙去脉：计划原文和目标、按日期排列的每条登记和作废、各季度累计与序时进度的对比，以及简单的条形图。\n\n加 --json 时输出一个对象：target、point、section、as_of、sample（示例数据时为 true）；progress {status, colour, actual, expected, percent, done_on, entries, last_entry, stale}；quarters [{quarter, start, end, through, entries, amount, cumulative, expected}]（through 为统计截至的日期，未到的季度为 null）；entries 同 kxplan log --json，含已作废的记录。\n\n示例：kxplan show p4.workstations",
    ),
    "help.status": (
        "Show where each target stands: actual against goal, expected pace (序时进度), status; or each unit's (--by-unit), or one unit's view (--unit). How statuses, colours and roll-ups are judged: docs/status-rules.md.\n\nExample: kxplan status --as-of 2019-06-30 --section 2\nExample: kxplan status --by-unit\nExample: kxplan status --unit xiuzhou",
        "查看各目标进度：完成数与目标、序时进度、状态；或各单位进展（--by-unit）、某单位的视图（--unit）。状态、颜色和汇总的判定规则见 docs/status-rules.md。\n\n示例：kxplan status --as-of 2019-06-30 --section 2\n示例：kxplan status --by-unit\n示例：kxplan status --unit xiuzhou",
    ),
    "help.template": (
        "Write a fill-in workbook for one office: Chinese header row, the unit filled in, a drop-down of the plan's targets, dates checked to the plan year (or --quarter), whole-number amounts, a 填写说明 sheet. Filled in, it imports as is.\n\nExample: kxplan template --unit 秀洲区科协 --quarter 2019Q3 --out 秀洲区科协-2019Q3.xlsx",
        "为一个单位生成填报工作簿：中文表头、预填单位、计划目标下拉列表、日期限定在计划年度（或 --quarter 季度）内、数量为整数，并附“填写说明”工作表。填好后可直接导入。\n\n示例：kxplan template --unit 秀洲区科协 --quarter 2019Q3 --out 秀洲区科协-2019Q3.xlsx",
    ),
    "help.try_help": (
        "Try '{command_path} {help_option}' for help.",
        "运行 '{command_path} {help_option}' 查看帮助。",
    ),
    "help.undo": (
        'Void the last entry you recorded in the plan year (reason "undo"), after showing it and asking. Only your own entries (--by / KXPLAN_BY, else the OS user) are ever touched.\n\nExample: kxplan undo',
        '撤销您在本计划年度最近登记的一条记录（作废原因为 "undo"），撤销前先显示该记录并请您确认。只会撤销您本人（--by / KXPLAN_BY，否则为系统用户名）登记的记录。\n\n示例：kxplan undo',
    ),
    "help.usage": ("Usage: ", "用法："),
    "help.void": (
        "Void an entry: it stays in the database, marked, with the reason.\n\nExample: kxplan void 12 --reason 重复登记",
        "作废一条记录：记录保留在数据库中并标记作废原因。\n\n示例：kxplan void 12 --reason 重复登记",
    ),
    # --- import: kxplan import (csvio.py, cli/entry_cmds.py) --------------------------------------
    "import.bad_rows": (
        "{file}: {count} bad row(s); nothing was imported — fix them and import again",
        "{file}：有 {count} 行有误，未导入任何内容；请修正后重新导入",
    ),
    "import.done": (
        "{file}: imported {added} new entries; {skipped} rows were imported before and skipped",
        "{file}：导入 {added} 条新记录；{skipped} 行此前已导入，已跳过",
    ),
    "import.dry_run": (
        "{file}: all rows are valid; {added} would be imported, {skipped} were imported before (dry run, nothing written)",
        "{file}：所有行均有效；将导入 {added} 条，{skipped} 行此前已导入（试运行，未写入）",
    ),
    "import.duplicate_item": (
        'item "{item}" for {target} is already on line {line}',
        '{target} 的项目 "{item}" 已在第 {line} 行出现',
    ),
    "import.headerless_value": (
        "a value in a column without a header; give the column a header or delete the value",
        "该列没有表头却填了内容；请给这一列加上表头，或删除该内容",
    ),
    "import.milestone_twice": (
        "{target} is already marked done on line {line}",
        "{target} 已在第 {line} 行标记完成",
    ),
    "import.no_rows": (
        "{file} has a header but no rows; nothing to import",
        "{file} 只有表头没有数据行；没有可导入的内容",
    ),
    "import.progress": ("importing", "正在导入"),
    "import.repeat_row": ("line {line} = #{id}", "第 {line} 行 = #{id}"),
    "import.repeats": (
        "{file}: {count} imported row(s) are identical to entries recorded with record or add ({rows}); if the work happened only once, void one of each pair (kxplan void ID --reason …)",
        "{file}：导入的 {count} 行与用 record 或 add 登记的记录完全相同（{rows}）；如该项工作只发生了一次，请作废其中一条（kxplan void 编号 --reason …）",
    ),
    "import.sample_into_real": (
        "this database already holds entries that are not sample data; import sample data into a database of its own (--db demo.db)",
        "该数据库中已有非示例数据的登记；示例数据请导入单独的数据库（--db demo.db）",
    ),
    "import.sample_marked": (
        "{path} is marked as sample data (示例数据): its reports, status and show say so",
        "{path} 已标记为示例数据：由它生成的报告、status 和 show 都会注明",
    ),
    "import.voided_skipped": (
        "{file}: {count} voided row(s) skipped (export --all marks them in void_id)",
        "{file}：已跳过 {count} 行已作废的记录（export --all 在 void_id 列中标记）",
    ),
    # --- io: writing files (fsio.py) --------------------------------------------------------------
    "io.not_regular": (
        "cannot write {path}: it is not a regular file (a device, pipe, socket or folder); nothing was written",
        "无法写入 {path}：它不是普通文件（而是设备、管道、套接字或文件夹）；未写入任何内容",
    ),
    "io.stdout_failed": (
        "cannot write to standard output ({reason}); nothing was changed — run again with output to a file or terminal",
        "无法写入标准输出（{reason}）；未作任何改动——请把输出重定向到文件或终端后重试",
    ),
    "io.write_failed": (
        "cannot write {path}: {reason}; the previous file, if any, is unchanged",
        "无法写入 {path}：{reason}；原有文件（如有）保持不变",
    ),
    # --- label: labels shared by several outputs --------------------------------------------------
    "label.goal_activity": ("ongoing", "持续开展"),
    "label.goal_count": ("goal {goal} {unit}{or_more}", "目标 {goal}{unit}{or_more}"),
    "label.goal_due": ("due {due}", "{due} 前完成"),
    "label.log.amount": ("amount", "数量"),
    "label.log.by": ("by", "登记人"),
    "label.log.date": ("date", "日期"),
    "label.log.id": ("id", "编号"),
    "label.log.item": ("item", "事项"),
    "label.log.note": ("note", "备注"),
    "label.log.target": ("target", "目标"),
    "label.log.unit": ("unit", "单位"),
    "label.log.void": ("void", "作废"),
    "label.log.voided": ("voided #{id}: {reason}", "已作废 #{id}：{reason}"),
    "label.or_more": (" or more", "以上"),
    "label.section_heading": ("Section {n}: {title}", "{n}、{title}"),
    # --- lang: the interface language -------------------------------------------------------------
    "lang.invalid": (
        "unknown language {lang!r}; use zh or en",
        "未知的语言 {lang!r}；请使用 zh 或 en",
    ),
    # --- log: kxplan log (cli/entry_cmds.py) ------------------------------------------------------
    "log.bad_quarter": (
        "quarter must be written like {year}Q2, not {value!r}",
        "季度必须写成 {year}Q2 的形式，而不是 {value!r}",
    ),
    "log.none": ("no entries match", "没有符合条件的记录"),
    "log.quarter_year": (
        "quarter {value} is outside the plan year {year}",
        "季度 {value} 不在计划年度 {year} 内",
    ),
    # --- path: what may be read and written (paths.py) --------------------------------------------
    "path.db_companion": (
        "{companion} beside the database {path} is not a regular file (a link, device, pipe or folder), and SQLite would write through it; remove it",
        "数据库 {path} 旁的 {companion} 不是普通文件（而是链接、设备、管道或文件夹），SQLite 会经由它写入；请删除它",
    ),
    "path.db_is_plan": (
        "--db {path} is the plan file; give the database another file name, such as kxplan.db",
        "--db {path} 就是计划文件；请为数据库另选文件名，如 kxplan.db",
    ),
    "path.db_not_a_file": (
        "--db {path} is not a database file (in-memory and URI databases keep nothing); give a file name such as kxplan.db",
        "--db {path} 不是数据库文件（内存数据库和 URI 不会保存任何内容）；请指定文件名，如 kxplan.db",
    ),
    "path.db_special": (
        "--db {path} is not a regular file (a device, pipe or socket); kxplan keeps its database only in a regular file — give a file name",
        "--db {path} 不是普通文件（而是设备、管道或套接字）；kxplan 只把数据库保存在普通文件中——请指定文件名",
    ),
    "path.not_regular": (
        "{path} is not a regular file (a device, pipe or socket); kxplan reads and writes only regular files — give a file name",
        "{path} 不是普通文件（而是设备、管道或套接字）；kxplan 只读写普通文件——请指定文件名",
    ),
    # --- plan: finding and reading the plan file (plan.py) ----------------------------------------
    "plan.allocation": (
        "allocated: {shares}; total {total} (goal {goal} {unit})",
        "分解：{shares}；合计 {total}（目标 {goal}{unit}）",
    ),
    "plan.allocation_sep": (", ", "、"),
    "plan.allocation_share": ("{unit} {amount}", "{unit} {amount}"),
    "plan.ambiguous": (
        "several plans in plans/ and none for {year}: {names}; choose one with --plan PATH",
        "plans/ 中有多个计划且没有 {year} 年的：{names}；请用 --plan 路径 选择其一",
    ),
    "plan.invalid": (
        "{path} has {count} problem(s); run: kxplan plan check {path}",
        "{path} 有 {count} 个问题；请运行：kxplan plan check {path}",
    ),
    "plan.is_directory": (
        "plan file {path} is a directory; give a YAML file with --plan",
        "计划文件 {path} 是目录；请用 --plan 指定 YAML 文件",
    ),
    "plan.none_in_dir": (
        "no plan found: no plans/*.yaml here; give one with --plan PATH",
        "未找到计划：当前目录下没有 plans/*.yaml；请用 --plan 路径 指定",
    ),
    "plan.not_found": (
        "plan file {path} does not exist; give an existing file with --plan",
        "计划文件 {path} 不存在；请用 --plan 指定一个存在的文件",
    ),
    "plan.not_regular": (
        "plan file {path} is not a regular file (a device, pipe or socket); give a YAML file with --plan",
        "计划文件 {path} 不是普通文件（而是设备、管道或套接字）；请用 --plan 指定 YAML 文件",
    ),
    "plan.too_large": (
        "plan file {path} is larger than {limit}; a plan is at most {limit} — split it, or check that --plan names the plan",
        "计划文件 {path} 超过 {limit}；计划最大为 {limit}——请拆分，或确认 --plan 指定的是计划文件",
    ),
    "plan.unit_aliases": (" · also: {aliases}", " · 别名：{aliases}"),
    "plan.unit_kind.city": ("city association (its own work)", "市科协本级"),
    "plan.unit_kind.county": ("county-level association", "县（市、区）科协"),
    "plan.unit_kind.department": ("department of the city association", "市科协部门"),
    "plan.unit_kind.society": ("municipal society", "市级学（协）会"),
    "plan.units_heading": ("Units", "单位"),
    "plan.unreadable": ("cannot read {path}: {reason}", "无法读取 {path}：{reason}"),
    # --- pv: plan validation problems, reported file:line:column (plan.py) ------------------------
    "pv.alias": (
        "anchors and aliases (&, *) are not allowed; write the value out",
        "不允许使用锚点和别名（&、*）；请直接写出值",
    ),
    "pv.allocation_empty": (
        "allocation must list at least one unit, as unit-id: amount",
        "allocation 至少要列出一个单位，写法为“单位代码: 数量”",
    ),
    "pv.allocation_no_units": (
        "allocation names units, but the plan has no units: list; add one at the top of the plan (docs/plan-format.md)",
        "allocation 要列出单位，但计划中没有 units: 列表；请在计划顶层添加（见 docs/plan-format.md）",
    ),
    "pv.allocation_not_id": (
        "allocation is keyed by unit id: write {id}, not {value!r}",
        "allocation 须用单位代码：请写 {id}，而不是 {value!r}",
    ),
    "pv.allocation_unknown": (
        "allocation names unknown unit {value!r}; {hint}",
        "allocation 中的单位 {value!r} 不在 units: 中；{hint}",
    ),
    "pv.allocation_whole": (
        "allocation for {unit_id} is {value}, but this target counts whole {unit}; write a whole number",
        "{unit_id} 的分解指标是 {value}，但该目标以整数{unit}计；请写整数",
    ),
    "pv.bad_char": (
        "character {code} is not allowed in a plan file; remove it",
        "计划文件中不允许出现字符 {code}；请删除",
    ),
    "pv.conflict_marker": (
        "leftover merge-conflict marker {marker!r}; resolve the conflict first",
        "残留的合并冲突标记 {marker!r}；请先解决冲突",
    ),
    "pv.control_chars": (
        "{field} contains a control character; remove it",
        "{field} 含有控制字符；请删除",
    ),
    "pv.date_outside_year": (
        "{field}: {value} is outside the plan year {year}",
        "{field}：{value} 不在计划年度 {year} 内",
    ),
    "pv.decimals_range": (
        "decimals must be 0, 1, 2 or {most}, not {value} (amounts are kept to {most} decimal places)",
        "decimals 只能是 0、1、2 或 {most}，而不是 {value}（数量最多保留 {most} 位小数）",
    ),
    "pv.duplicate_id": (
        "target id {value!r} is used twice (first at line {line})",
        "目标编号 {value!r} 重复（首次出现在第 {line} 行）",
    ),
    "pv.duplicate_key": (
        "duplicate key {key!r} (first at line {line}); keep only one",
        "重复的键 {key!r}（首次出现在第 {line} 行）；只保留一个",
    ),
    "pv.duplicate_number": (
        "{what} number {number} is used twice (first at line {line})",
        "{what}编号 {number} 重复（首次出现在第 {line} 行）",
    ),
    "pv.empty": (
        "the plan file is empty; see docs/plan-format.md for an example",
        "计划文件为空；示例见 docs/plan-format.md",
    ),
    "pv.empty_value": ("{field} is empty", "{field} 为空"),
    "pv.expected_bool": (
        "{field} must be true or false, not {value!r}",
        "{field} 必须是 true 或 false，而不是 {value!r}",
    ),
    "pv.expected_date": (
        "{field} must be a date written YYYY-MM-DD, not {value!r}",
        "{field} 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    "pv.expected_integer": (
        "{field} must be a whole number, not {value!r}",
        "{field} 必须是整数，而不是 {value!r}",
    ),
    "pv.expected_list": ("{where} must be a list", "{where} 必须是列表"),
    "pv.expected_mapping": ("{where} must be a mapping", "{where} 必须是映射（键: 值）"),
    "pv.expected_nonempty_list": (
        "{where} must be a non-empty list",
        "{where} 必须是非空列表",
    ),
    "pv.expected_number": (
        "{field} must be a number, not {value!r}",
        "{field} 必须是数字，而不是 {value!r}",
    ),
    "pv.expected_text": ("{field} must be text", "{field} 必须是文本"),
    "pv.field_not_for_kind": (
        "{field} does not apply to {kind} targets; remove it",
        "{field} 不适用于 {kind} 类型的目标；请删除",
    ),
    "pv.goal_decimals": (
        "{field} {value} has more than {places} decimal places; write at most {places}",
        "{field} {value} 的小数超过 {places} 位；最多写 {places} 位小数",
    ),
    "pv.goal_not_whole": (
        "{field} {value} is not a whole number, but {target} counts whole {unit}; write a whole number, or add `decimals: 1` (or 2, 3) to the target if {unit} can be divided",
        "{field} {value} 不是整数，而 {target} 以“{unit}”计只能是整数；请写整数，若“{unit}”确可分割，请给目标加上 `decimals: 1`（或 2、3）",
    ),
    "pv.goal_places": (
        "{field} {value} has more decimal places than {target} allows ({places}); round it, or raise `decimals`",
        "{field} {value} 的小数位数超过 {target} 允许的 {places} 位；请四舍五入，或调大 `decimals`",
    ),
    "pv.goal_too_large": (
        "{field} {value} is too large; the largest is {limit}",
        "{field} {value} 太大；最大为 {limit}",
    ),
    "pv.id_pattern": (
        "target id {value!r} must look like p{point}.some-words (lowercase letters, digits, hyphens)",
        "目标编号 {value!r} 应形如 p{point}.some-words（小写字母、数字、连字符）",
    ),
    "pv.id_point": (
        "target id {value!r} is under point {point}; it must start with p{point}.",
        "目标编号 {value!r} 属于第 {point} 条；应以 p{point}. 开头",
    ),
    "pv.in.plan": ("plan", "计划"),
    "pv.in.point": ("point", "要点"),
    "pv.in.section": ("section", "部分"),
    "pv.in.target": ("target", "目标"),
    "pv.in.thresholds": ("thresholds", "thresholds"),
    "pv.in.unit": ("unit", "单位"),
    "pv.invalid_date": ("{field}: {value} is not a real date", "{field}：{value} 不是有效日期"),
    "pv.kind": (
        "kind must be count, milestone or activity, not {value!r}",
        "kind 必须是 count、milestone 或 activity，而不是 {value!r}",
    ),
    "pv.lang": ("lang must be zh or en, not {value!r}", "lang 必须是 zh 或 en，而不是 {value!r}"),
    "pv.missing_field": ("missing field {field!r} in {where}", "{where} 缺少字段 {field!r}"),
    "pv.multiple_documents": (
        "a plan file holds one YAML document, but this '---' starts another",
        "计划文件只能包含一个 YAML 文档，但这里的 '---' 开始了另一个",
    ),
    "pv.negative": (
        "{field} must be 0 or more, not {value}",
        "{field} 必须大于或等于 0，而不是 {value}",
    ),
    "pv.no_such_file": ("no such file", "文件不存在"),
    "pv.not_finite": (
        "{field} must be a finite number, not {value!r}",
        "{field} 必须是有限数字，而不是 {value!r}",
    ),
    "pv.not_mapping": (
        "the plan must be a mapping with keys org, title, year, sections",
        "计划必须是包含 org、title、year、sections 等键的映射",
    ),
    "pv.not_positive": (
        "{field} must be greater than 0, not {value}",
        "{field} 必须大于 0，而不是 {value}",
    ),
    "pv.not_utf8": (
        "the file is not UTF-8 (byte {byte}); save it as UTF-8",
        "文件不是 UTF-8 编码（字节 {byte}）；请另存为 UTF-8",
    ),
    "pv.number_order": (
        "{what} number {number} is out of order; expected {expected}",
        "{what}编号 {number} 顺序不对；应为 {expected}",
    ),
    "pv.octal": (
        "{field}: {value!r} has a leading zero (YAML 1.1 reads it as octal); write {fixed}",
        "{field}：{value!r} 以 0 开头（YAML 1.1 会按八进制读取）；请写成 {fixed}",
    ),
    "pv.owner_not_unit": (
        "owner {value!r} is not a unit of this plan; {hint}",
        "owner {value!r} 不是本计划的单位；{hint}",
    ),
    "pv.quoted": (
        "{field}: {value!r} is in quotes, so YAML reads it as text; remove the quotes",
        "{field}：{value!r} 加了引号，YAML 会当作文本；请去掉引号",
    ),
    "pv.renamed_self": (
        "renamed_from {value!r} is still a target id in this plan",
        "renamed_from 中的 {value!r} 仍是本计划中的目标编号",
    ),
    "pv.renamed_twice": (
        "renamed_from {value!r} is already claimed by {other}",
        "renamed_from 中的 {value!r} 已被 {other} 认领",
    ),
    "pv.schedule_decreasing": (
        "schedule must not decrease: {values}",
        "schedule 不能递减：{values}",
    ),
    "pv.schedule_last": (
        "schedule ends at {last} but the goal is {goal}; the last value must equal the goal",
        "schedule 最后一个值是 {last}，但目标是 {goal}；二者必须相等",
    ),
    "pv.schedule_length": (
        "schedule must have 4 values (cumulative at the end of Q1..Q4), not {count}",
        "schedule 必须有 4 个值（第一至第四季度末的累计数），而不是 {count} 个",
    ),
    "pv.syntax_error": ("syntax error", "语法错误"),
    "pv.tab": (
        "tab character in indentation; indent with spaces",
        "缩进中有制表符；请用空格缩进",
    ),
    "pv.tag": (
        "tag {tag!r} is not allowed; remove it (put text in quotes instead)",
        "不允许使用标签 {tag!r}；请删除（文本请改用引号）",
    ),
    "pv.thresholds": (
        "thresholds must satisfy 0 < on_track <= behind < 1",
        "thresholds 必须满足 0 < on_track <= behind < 1",
    ),
    "pv.too_many_targets": (
        "the plan has {count} targets, more than the {limit} kxplan tracks; split it into several plans",
        "计划有 {count} 个目标，超过 kxplan 可跟踪的 {limit} 个；请拆分为多个计划",
    ),
    "pv.too_many_values": (
        "the plan has more than {limit} YAML values; a plan is far smaller — check that this is the plan file",
        "计划中的 YAML 值超过 {limit} 个；计划远没有这么大——请确认这是计划文件",
    ),
    "pv.unit_hint_ids": (
        "the plan's unit ids are {ids} (or add it under units:)",
        "本计划的单位代码为 {ids}（或在 units: 中添加该单位）",
    ),
    "pv.unit_hint_nearest": (
        "did you mean {suggestion}? (or add it under units:)",
        "您是否想写 {suggestion}？（或在 units: 中添加该单位）",
    ),
    "pv.unit_id_pattern": (
        "unit id {value!r} must be lowercase ASCII letters and digits, words joined by '-', starting with a letter (e.g. xiuzhou)",
        "单位代码 {value!r} 只能由小写英文字母、数字和连字符“-”组成，并以字母开头（例如 xiuzhou）",
    ),
    "pv.unit_kind": (
        "unit kind must be city, county, society or department, not {value!r}",
        "单位的 kind 必须是 city、county、society 或 department，而不是 {value!r}",
    ),
    "pv.unit_name_long": (
        "{field} is longer than {limit} characters; shorten it",
        "{field} 超过 {limit} 个字符；请缩短",
    ),
    "pv.unit_name_repeated": (
        "{field} {value!r} is already a name of this unit; remove it",
        "{field} {value!r} 与本单位的代码、名称或别名重复；请删除",
    ),
    "pv.unit_name_taken": (
        "{field} {value!r} is already used by unit {unit} (line {line}); each id, name and alias must lead to one unit",
        "{field} {value!r} 已被单位 {unit} 使用（第 {line} 行）；每个代码、名称和别名只能对应一个单位",
    ),
    "pv.unknown_field": (
        "unknown field {field!r} in {where}; expected one of: {expected}",
        "{where} 中有未知字段 {field!r}；应为以下之一：{expected}",
    ),
    "pv.unknown_field_hint": (
        "unknown field {field!r} in {where}; did you mean {hint!r}?",
        "{where} 中有未知字段 {field!r}；您是否要写 {hint!r}？",
    ),
    "pv.yaml": ("invalid YAML: {problem}", "YAML 语法错误：{problem}"),
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
    "pv.yaml_context": (
        "invalid YAML: {problem} ({context} that starts at line {line})",
        "YAML 语法错误：{problem}（{context}，起于第 {line} 行）",
    ),
    "pv.year_range": (
        "year must be between 2000 and 2100, not {value}",
        "year 必须在 2000 到 2100 之间，而不是 {value}",
    ),
    # --- quarter: quarters given on the command line ----------------------------------------------
    "quarter.invalid": (
        "unknown quarter {value!r}; write 2019Q2, 2019-Q2, Q2, current or previous",
        "无法识别的季度 {value!r}；请写成 2019Q2、2019-Q2、Q2、current 或 previous",
    ),
    # --- record: kxplan record and the one-line summary after a write -----------------------------
    "record.done": ("#{id} {summary}", "#{id} {summary}"),
    "record.stored": ("#{id} recorded ({target})", "#{id} 已登记（{target}）"),
    "record.summary_activity": (
        "{target}: {count} recorded",
        "{target}：共 {count} 条记录",
    ),
    "record.summary_count": (
        "{target}: {total}/{goal} {unit} ({percent}%)",
        "{target}：{total}/{goal} {unit}（{percent}%）",
    ),
    "record.summary_milestone": (
        "{target}: done on {date}",
        "{target}：已于 {date} 完成",
    ),
    "record.summary_milestone_open": ("{target}: not done yet", "{target}：尚未完成"),
    # --- report: the quarterly report (report.py, templates/) -------------------------------------
    "report.as_of": ("As of", "统计截至"),
    "report.as_of_outside": (
        "--as-of {as_of} is outside {quarter} ({start} to {end})",
        "--as-of {as_of} 不在 {quarter}（{start} 至 {end}）内",
    ),
    "report.bad_as_of": (
        "--as-of must be a date written YYYY-MM-DD, not {value!r}",
        "--as-of 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    "report.bad_epoch": (
        "SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}",
        "SOURCE_DATE_EPOCH 必须是整数秒数，而不是 {value!r}",
    ),
    "report.bad_format": (
        "unknown format {value!r}; use md, html or all",
        "未知的格式 {value!r}；请使用 md、html 或 all",
    ),
    "report.bad_known_at": (
        "--known-at must be an ISO 8601 timestamp such as 2019-07-05T09:00:00Z, or a date, not {value!r}",
        "--known-at 必须是 ISO 8601 时间（如 2019-07-05T09:00:00Z）或日期，而不是 {value!r}",
    ),
    "report.bar_legend": (
        "Bars show the share of the goal done; the tick marks the expected pace.",
        "进度条为已完成占年度目标的比例，竖线为序时进度。",
    ),
    "report.by_colour": ("By colour", "按颜色"),
    "report.by_colour_note": (
        " (red and yellow targets are listed under Warnings; grey: not yet due)",
        "（红色、黄色目标见“三色预警”；灰色为未到期）",
    ),
    "report.chart_quarter": ("Q{q}", "Q{q}"),
    "report.chart_title": ("{title}: cumulative by quarter", "{title}：各季度累计"),
    "report.col_activity": ("Ongoing work", "日常工作"),
    "report.col_allocation": ("Allocated", "分解指标"),
    "report.col_amount": ("Amount", "数量"),
    "report.col_count": ("Targets", "目标数"),
    "report.col_cumulative": ("To date", "累计完成"),
    "report.col_date": ("Date", "日期"),
    "report.col_done_on": ("Done on", "实际完成"),
    "report.col_due": ("Due", "计划完成"),
    "report.col_entry": ("Entry", "登记号"),
    "report.col_evidence": ("Evidence", "佐证"),
    "report.col_expected": ("Expected", "序时进度"),
    "report.col_goal": ("Goal", "年度目标"),
    "report.col_item": ("Item", "事项"),
    "report.col_last_entry": ("Latest entry", "最近登记"),
    "report.col_level": ("Level", "预警"),
    "report.col_milestone": ("Milestone", "节点任务"),
    "report.col_overall": (
        "Overall",
        "总体",
    ),
    "report.col_percent": ("Done", "完成率"),
    "report.col_progress": ("Progress", "进度"),
    "report.col_quarter": ("This quarter", "本季度"),
    "report.col_quarter_entries": ("Entries this quarter", "本季度登记"),
    "report.col_rank": (
        "Rank",
        "落后排名",
    ),
    "report.col_reason": ("Reason", "作废原因"),
    "report.col_status": ("Status", "状态"),
    "report.col_target": ("Target", "目标"),
    "report.col_unit": ("Unit", "单位"),
    "report.col_voided_by": ("Voided by", "作废人"),
    "report.colon": (": ", "："),
    "report.colour_green": ("green", "绿"),
    "report.colour_grey": ("grey", "灰"),
    "report.colour_red": ("red", "红"),
    "report.colour_yellow": ("yellow", "黄"),
    "report.corrections": ("Corrections", "更正记录"),
    "report.corrections_none": ("No corrections.", "无更正。"),
    "report.corrections_note": (
        "Entries dated up to {as_of} that were voided after the end of {quarter}; every figure above already leaves them out.",
        "{quarter}末以来作废的、日期在 {as_of} 及以前的登记；上文各项数字均已剔除。",
    ),
    "report.entries_used": ("Entries used", "采用的登记条数"),
    "report.evidence_link": ("link", "链接"),
    "report.generated_by": ("Generated by kxplan.", "由 kxplan 生成。"),
    "report.goal_count": ("{goal} {unit}{or_more}", "{goal}{unit}{or_more}"),
    "report.goals": ("Quantitative goals", "量化指标"),
    "report.heading": (
        "{plan_title} · Progress report, {quarter}",
        "{plan_title} · {quarter}工作进展",
    ),
    "report.heading_unit": (
        "{plan_title} · {unit} · Progress report, {quarter}",
        "{plan_title} · {unit} · {quarter}工作进展",
    ),
    "report.known_at": ("Recorded up to", "登记截至"),
    "report.known_at_all": ("everything recorded", "全部已登记数据"),
    "report.known_at_range": (
        "--known-at {value!r} is outside the years 0001–9999 in UTC; give a time inside them",
        "--known-at {value!r} 换算为 UTC 后超出 0001–9999 年；请给出此范围内的时间",
    ),
    "report.legend_actual": ("cumulative", "累计完成"),
    "report.legend_expected": ("expected pace", "序时进度"),
    "report.legend_goal": ("goal", "年度目标"),
    "report.more": (
        "… and {count} more entries this quarter",
        "……及另外 {count} 条",
    ),
    "report.next_milestones": ("Milestones due next quarter", "下季度到期的节点任务"),
    "report.next_none": ("No milestone is due next quarter.", "下季度无到期的节点任务。"),
    "report.next_year": (
        "The next quarter belongs to the next plan year.",
        "下一季度属于下一年度计划。",
    ),
    "report.not_started": (
        "{quarter} starts on {start}, after today ({today}); give --as-of to report on it anyway",
        "{quarter} 从 {start} 开始，晚于今天（{today}）；如确需生成请用 --as-of 指定日期",
    ),
    "report.nothing": ("Nothing recorded this quarter.", "本季度无进展记录。"),
    "report.org": ("Organisation", "单位"),
    "report.other_entries": (
        "Also recorded by this unit",
        "本单位的其他登记",
    ),
    "report.other_entries_none": (
        "None this quarter.",
        "本季度无。",
    ),
    "report.other_entries_note": (
        "Entries of this quarter under targets not allocated to this unit: its contribution to the city's work, not judged here.",
        "本季度登记在未分解给本单位的目标下的记录：是对全市工作的贡献，此处不作评判。",
    ),
    "report.out_is_database": (
        "{path} is the kxplan database; choose another folder with --out",
        "{path} 是 kxplan 数据库；请用 --out 另选文件夹",
    ),
    "report.out_is_plan": (
        "{path} is the plan file; choose another folder with --out",
        "{path} 就是计划文件；请用 --out 另选文件夹",
    ),
    "report.out_not_a_file": (
        "{path} is not a regular file (a device, pipe, socket or folder); remove it or choose another folder with --out",
        "{path} 不是普通文件（而是设备、管道、套接字或文件夹）；请删除它，或用 --out 另选文件夹",
    ),
    "report.out_not_dir": (
        "--out {path} is a file, not a folder; give a folder",
        "--out {path} 是文件而不是文件夹；请指定一个文件夹",
    ),
    "report.owner": ("Lead: {owner}", "责任部门：{owner}"),
    "report.plan_file": ("Plan file", "计划文件"),
    "report.plan_hash": ("Plan SHA-256 (first 12)", "计划文件 SHA-256（前 12 位）"),
    "report.provenance": ("Provenance", "数据来源"),
    "report.quarter_name": ("Q{q} {year}", "{year}年第{q}季度"),
    "report.quarter_progress": ("Progress this quarter", "本季度进展"),
    "report.quarter_year": (
        "{quarter} is not in the plan year {year}; give a quarter of {year} or another --plan",
        "{quarter} 不在计划年度 {year} 内；请指定 {year} 年的季度，或用 --plan 换一个计划",
    ),
    "report.report_date": ("Report date", "报告日期"),
    "report.sample_banner": (
        "SAMPLE DATA — this report is made from sample data (a demo year), not from real progress; do not sign or forward it.",
        "示例数据 —— 本报告由示例数据（演示用）生成，不反映真实工作进展，请勿签发或转发。",
    ),
    "report.sample_title": ("[SAMPLE DATA] ", "【示例数据】"),
    "report.status_counts": ("Targets by status", "各状态目标数"),
    "report.stdout_one": (
        "--stdout prints one format; choose --format md or --format html",
        "--stdout 只能输出一种格式；请指定 --format md 或 --format html",
    ),
    "report.summary": ("Summary", "总体情况"),
    "report.template_error": (
        "template {name}, line {line}: {message}",
        "模板 {name} 第 {line} 行：{message}",
    ),
    "report.template_loop": (
        "template {name} includes itself (directly or through other templates); remove the loop",
        "模板 {name} 包含了自身（直接或经由其他模板）；请去掉循环包含",
    ),
    "report.template_not_regular": (
        "template {name} ({path}) is not a regular file (a device, pipe or socket); replace it with a file",
        "模板 {name}（{path}）不是普通文件（而是设备、管道或套接字）；请换成普通文件",
    ),
    "report.template_not_utf8": (
        "template {name} is not UTF-8 text (byte {byte}); save it as UTF-8",
        "模板 {name} 不是 UTF-8 文本（字节 {byte}）；请另存为 UTF-8",
    ),
    "report.template_too_large": (
        "template {name} ({path}) is larger than 1 MiB; a report template is far smaller — check the file",
        "模板 {name}（{path}）超过 1 MiB；报告模板远没有这么大——请检查该文件",
    ),
    "report.templates_missing": (
        "templates folder {path} does not exist",
        "模板文件夹 {path} 不存在",
    ),
    "report.total": ("Total", "合计"),
    "report.unit_no_units": (
        "the plan has no units: list, so there is no unit report; add one (docs/plan-format.md §9)",
        "计划中没有 units: 列表，无法生成单位报告；请先添加（见 docs/plan-format.md 第 9 节）",
    ),
    "report.unit_target": (
        "{title} ({unit})",
        "{title}（{unit}）",
    ),
    "report.units": (
        "Progress by unit",
        "各单位进展",
    ),
    "report.units_all_entered": (
        "Every unit has entries this quarter.",
        "各单位本季度均有登记。",
    ),
    "report.units_idle": (
        "No entry this quarter: {units}.",
        "本季度没有登记的单位：{units}。",
    ),
    "report.units_note": (
        "Each unit is judged on the targets allocated to it as targets are: its allocation is its goal and its share of the target's expected pace (allocation ÷ goal) its pace, with the same thresholds. Ranked most behind first; the allocations are the office's.",
        "各单位按分解给它的指标判定，规则与目标相同：分解数即其目标，序时进度按“分解数 ÷ 目标数”分摊，阈值不变。排名以落后程度为序（最落后的排第 1）；分解指标由办公室确定。",
    ),
    "report.units_sep": (
        ", ",
        "、",
    ),
    "report.warnings": ("Warnings (three-colour view)", "三色预警"),
    "report.warnings_none": (
        "No target is red or yellow.",
        "没有红色或黄色预警的目标。",
    ),
    "report.warnings_note": (
        "Red: missed at the year's end, at risk, or overdue. Yellow: behind expected pace, or no entry in 90 days (idle).",
        "红色：年度未完成、严重滞后或已逾期；黄色：略有滞后，或 90 天无记录（停滞）。",
    ),
    "report.wrote": ("wrote {path}", "已写入 {path}"),
    # --- show: kxplan show (story.py, cli/clerk_cmds.py) ------------------------------------------
    "show.as_of_activity": (
        "As of {as_of}: {count} entries, the latest on {last} · {status}",
        "截至 {as_of}：共 {count} 条记录，最近一次 {last} · {status}",
    ),
    "show.as_of_activity_none": (
        "As of {as_of}: no entries yet · {status}",
        "截至 {as_of}：尚无记录 · {status}",
    ),
    "show.as_of_count": (
        "As of {as_of}: {actual}/{goal} {unit} ({percent}%), expected {expected} · {status}",
        "截至 {as_of}：已完成 {actual}/{goal}{unit}（{percent}%），序时进度 {expected} · {status}",
    ),
    "show.as_of_milestone_done": (
        "As of {as_of}: done on {done} (due {due}) · {status}",
        "截至 {as_of}：已于 {done} 完成（限 {due} 前） · {status}",
    ),
    "show.as_of_milestone_open": (
        "As of {as_of}: not done yet (due {due}) · {status}",
        "截至 {as_of}：尚未完成（限 {due} 前） · {status}",
    ),
    "show.chart_activity": ("Entries by quarter", "各季度登记条数"),
    "show.chart_count": (
        "Cumulative by quarter (done / expected)",
        "各季度累计（已完成 / 序时进度）",
    ),
    "show.col_content": ("item / note", "事项 / 备注"),
    "show.entries_heading": ("Entries", "登记记录"),
    "show.entries_n": ("{count} entries", "{count} 条"),
    "show.kind.activity": ("ongoing activity", "持续性工作"),
    "show.kind.count": ("count", "计数"),
    "show.kind.milestone": ("milestone", "节点任务"),
    "show.legend": (
        "█ done  ▒ short of expected  ░ up to the goal",
        "█ 已完成  ▒ 落后于序时进度  ░ 距年度目标",
    ),
    "show.no_entries": ("no entries yet", "暂无登记记录"),
    "show.not_yet": ("(not yet)", "（未到）"),
    "show.owner": ("lead: {owner}", "责任部门：{owner}"),
    "show.point": (
        "Point {number}. {title} · {section}",
        "第{number}条 {title} · {section}",
    ),
    "show.quarter": ("Q{q}", "第{q}季度"),
    "show.renamed": ("formerly {ids}", "曾用编号 {ids}"),
    "show.schedule": (
        "schedule (cumulative at quarter ends): {values}",
        "季度安排（季末累计）：{values}",
    ),
    "show.stale": (" · no entry in 90 days", " · 90天无记录"),
    "show.through": ("(to {date})", "（截至 {date}）"),
    "show.voided": ("voided #{id} by {by}: {reason}", "已作废 #{id}（{by}）：{reason}"),
    # --- status: kxplan status (cli/status_cmd.py) ------------------------------------------------
    "status.active": ("active", "进行中"),
    "status.activity_entries": ("{count} entries · {last}", "{count} 条 · {last}"),
    "status.activity_none": ("none yet", "暂无记录"),
    "status.activity_one": ("1 entry · {last}", "1 条 · {last}"),
    "status.at_risk": ("at risk", "严重滞后"),
    "status.bad_date": (
        "--as-of must be a date YYYY-MM-DD, not {value!r}",
        "--as-of 必须是 YYYY-MM-DD 格式的日期，而不是 {value!r}",
    ),
    "status.behind": ("behind", "略有滞后"),
    "status.by_unit_alone": (
        "--by-unit shows every unit; it cannot be combined with --unit, --section or --point",
        "--by-unit 显示全部单位，不能与 --unit、--section 或 --point 同时使用",
    ),
    "status.by_unit_others": (
        "no allocation: {units}",
        "未分解指标：{units}",
    ),
    "status.by_unit_summary": (
        "{total} units with allocations: {counts}",
        "有分解指标的单位 {total} 个：{counts}",
    ),
    "status.by_unit_title": (
        "by unit",
        "各单位进展",
    ),
    "status.clamped": (
        "the {year} plan is shown as of {as_of} (today, {today}, is outside the plan year)",
        "{year} 年计划按 {as_of} 显示（今天 {today} 不在计划年度内）",
    ),
    "status.col.actual": ("Done / goal", "完成/目标"),
    "status.col.bar": ("Progress", "进度"),
    "status.col.expected": ("Expected", "序时进度"),
    "status.col.note": ("Note", "备注"),
    "status.col.overall": (
        "Overall",
        "总体",
    ),
    "status.col.status": ("Status", "状态"),
    "status.col.target": ("Target", "目标"),
    "status.col.unit": (
        "Unit",
        "单位",
    ),
    "status.col.unit_done": (
        "done/alloc",
        "完成/分解",
    ),
    "status.col.unit_expected": (
        "pace",
        "序时",
    ),
    "status.col.unit_percent": (
        "%",
        "完成率",
    ),
    "status.contribution": (
        "{title}: entries {count}{amount}, last {last}",
        "{title}：{count} 条{amount}，最近 {last}",
    ),
    "status.contribution_count": (
        ", {amount} {unit}",
        "，共 {amount}{unit}",
    ),
    "status.contributions": (
        "Also recorded by this unit (targets not allocated to it, not judged here):",
        "本单位的其他登记（未分解给本单位的目标，此处不作评判）：",
    ),
    "status.date": ("{month:02d}-{day:02d}", "{month}月{day}日"),
    "status.done": ("done", "已完成"),
    "status.due_today": ("due today", "今日到期"),
    "status.heading": (
        "{title} · as of {as_of} · {elapsed}% of the year gone",
        "{title} · 截至 {as_of} · 时间进度 {elapsed}%",
    ),
    "status.idle": ("idle", "停滞"),
    "status.milestone_done": ("done {done}", "{done}完成"),
    "status.milestone_due": ("due {due}", "限{due}"),
    "status.missed": ("missed", "未完成"),
    "status.no_point": (
        "there is no work point {number}; the points are {valid}",
        "没有第 {number} 条工作要点；现有要点为 {valid}",
    ),
    "status.no_section": (
        "there is no section {number}; the sections are {valid}",
        "没有第 {number} 部分；现有部分为 {valid}",
    ),
    "status.no_units": (
        "the plan has no units: list, so there is nothing to show by unit; add one (docs/plan-format.md §9)",
        "计划中没有 units: 列表，无法按单位显示；请先添加（见 docs/plan-format.md 第 9 节）",
    ),
    "status.on_track": ("on track", "进度正常"),
    "status.outside_year": (
        "--as-of {value} is outside the {year} plan year; give a date from {first} to {last}",
        "--as-of {value} 不在 {year} 计划年度内；请给出 {first} 至 {last} 之间的日期",
    ),
    "status.overdue": ("overdue", "已逾期"),
    "status.pending": ("pending", "待办"),
    "status.point_not_in_section": (
        "work point {point} is not in section {section}; its points are {valid}",
        "第 {point} 条工作要点不在第 {section} 部分；该部分的要点为 {valid}",
    ),
    "status.sample_banner": (
        "SAMPLE DATA — this database holds sample data (imported with --sample), not real progress",
        "示例数据 —— 本数据库中是示例数据（用 --sample 导入），不是真实的工作进展",
    ),
    "status.stale": ("stale", "90天无记录"),
    "status.summary": ("{total} targets: {counts}", "共 {total} 个目标：{counts}"),
    "status.summary_item": ("{count} {status}", "{status} {count}"),
    "status.summary_sep": (", ", "，"),
    "status.summary_sep_clause": (
        "; ",
        "；",
    ),
    "status.summary_stale": (
        "; {count} with no entry in 90 days",
        "；{count} 个90天无记录",
    ),
    "status.title_unit": (
        "{title} · {unit}",
        "{title} · {unit}",
    ),
    "status.unit_no_allocation": (
        "{unit} has no allocation in the plan",
        "{unit} 在计划中没有分解指标",
    ),
    "status.unit_sep": (
        ", ",
        "、",
    ),
    "status.unit_target": (
        "{title} ({unit})",
        "{title}（{unit}）",
    ),
    # --- store: the database (store/) -------------------------------------------------------------
    "store.cannot_open": (
        "cannot open the database {path}: {reason}",
        "无法打开数据库 {path}：{reason}",
    ),
    "store.created": (
        "created a new database {path}",
        "已新建数据库 {path}",
    ),
    "store.damaged": (
        "{path} is damaged or not a database ({reason}); restore it from a backup",
        "{path} 已损坏或不是数据库（{reason}）；请从备份恢复",
    ),
    "store.disk_full": (
        "the disk holding {path} is full; nothing was written — free some space and try again",
        "{path} 所在磁盘已满，未写入任何内容；请清理空间后重试",
    ),
    "store.failed": (
        "the database {path} failed ({reason}); nothing was written — check the disk, or run: sqlite3 {path} 'PRAGMA quick_check'",
        "数据库 {path} 出错（{reason}），未写入任何内容；请检查磁盘，或运行：sqlite3 {path} 'PRAGMA quick_check'",
    ),
    "store.foreign": (
        "{path} is an SQLite database of another application, not kxplan's; it was left untouched — choose another file with --db",
        "{path} 是其他程序的 SQLite 数据库，不是 kxplan 的，未作任何改动；请用 --db 另选文件",
    ),
    "store.foreign_app": (
        "{path} belongs to another application (application_id {app_id}); it was left untouched — choose another file with --db",
        "{path} 属于其他程序（application_id {app_id}），未作任何改动；请用 --db 另选文件",
    ),
    "store.is_directory": (
        "{path} is a directory, not a kxplan database; give a file name with --db",
        "{path} 是目录，不是 kxplan 数据库；请用 --db 指定文件名",
    ),
    "store.locked": (
        "the database {path} stayed busy too long ({reason}); nothing was written — try again",
        "数据库 {path} 长时间被占用（{reason}），未写入任何内容；请重试",
    ),
    "store.missing": (
        "there is no database {path} yet; create it by recording progress (kxplan record TARGET …) or importing (kxplan import FILE.csv), or choose one with --db",
        "数据库 {path} 还不存在；登记进展（kxplan record 目标 …）或导入（kxplan import 文件.csv）时会自动创建，或用 --db 指定已有数据库",
    ),
    "store.no_directory": (
        "cannot create the database {path}: its directory does not exist",
        "无法创建数据库 {path}：所在目录不存在",
    ),
    "store.not_sqlite": (
        "{path} is not a kxplan database (not an SQLite file); it was left untouched — choose another file with --db",
        "{path} 不是 kxplan 数据库（不是 SQLite 文件），未作任何改动；请用 --db 另选文件",
    ),
    "store.pg_bad_url": (
        "{path} is not a usable PostgreSQL URL ({reason}); write it as postgresql://LOGIN@HOST:PORT/DATABASE",
        "{path} 不是可用的 PostgreSQL 地址（{reason}）；请写成 postgresql://登录名@主机:端口/数据库",
    ),
    "store.pg_cannot_connect": (
        "cannot connect to the PostgreSQL database {path} ({reason}); check host, port, login and the password (PGPASSWORD or ~/.pgpass)",
        "无法连接 PostgreSQL 数据库 {path}（{reason}）；请检查主机、端口、登录名和密码（PGPASSWORD 或 ~/.pgpass）",
    ),
    "store.pg_connection_lost": (
        "the connection to the PostgreSQL database {path} was lost ({reason}); nothing was written — try again",
        "与 PostgreSQL 数据库 {path} 的连接中断（{reason}），未写入任何内容；请重试",
    ),
    "store.pg_denied": (
        "the PostgreSQL server refused this ({reason}); nothing was written — this login may not do it, ask the administrator",
        "PostgreSQL 服务器拒绝了此操作（{reason}），未写入任何内容；此登录名无此权限，请联系管理员",
    ),
    "store.pg_disk_full": (
        "the PostgreSQL server of {path} has no disk space left; nothing was written — ask the administrator",
        "{path} 的 PostgreSQL 服务器磁盘已满，未写入任何内容；请联系管理员",
    ),
    "store.pg_driver_missing": (
        "a postgresql:// database needs the PostgreSQL driver psycopg; install it with: pip install 'kxplan[postgres]'",
        "使用 postgresql:// 数据库需要 PostgreSQL 驱动 psycopg；请安装：pip install 'kxplan[postgres]'",
    ),
    "store.pg_failed": (
        "the PostgreSQL database {path} failed ({reason}); nothing was written",
        "PostgreSQL 数据库 {path} 出错（{reason}），未写入任何内容",
    ),
    "store.pg_foreign": (
        "the PostgreSQL database {path} belongs to another application (it has tables but no kxplan marker); it was left untouched — choose another database with --db",
        "PostgreSQL 数据库 {path} 属于其他程序（有数据表但没有 kxplan 标记），未作任何改动；请用 --db 另选数据库",
    ),
    "store.pg_not_clerk": (
        "login {login} is not a kxplan clerk of {path}; the administrator adds it with: kxplan db add-clerk {login} --unit UNIT",
        "登录名 {login} 不是 {path} 的 kxplan 登记员；请管理员运行：kxplan db add-clerk {login} --unit 单位",
    ),
    "store.pg_old": (
        "the PostgreSQL database {path} has kxplan schema {version} (this kxplan uses {known}); the administrator upgrades it with: kxplan db init --db URL",
        "PostgreSQL 数据库 {path} 的 kxplan 数据库版本为 {version}（本程序使用 {known}）；请管理员运行：kxplan db init --db 地址 升级",
    ),
    "store.pg_other_unit": (
        "login {login} records and voids entries of unit {unit} only; nothing was written — give --unit {unit}, or ask the city office to record it",
        "登录名 {login} 只能登记和作废“{unit}”的进展，未写入任何内容；请使用 --unit {unit}，或请市科协登记",
    ),
    "store.pg_other_unit_void": (
        "login {login} voids entries of unit {unit} only and this entry is another unit's; nothing was written — ask that unit or the city office",
        "登录名 {login} 只能作废“{unit}”的进展，此条属于其他单位，未写入任何内容；请联系该单位或市科协",
    ),
    "store.pg_uninitialised": (
        "the PostgreSQL database {path} has no kxplan tables yet; the administrator creates them with: kxplan db init --db URL",
        "PostgreSQL 数据库 {path} 还没有 kxplan 数据表；请管理员运行：kxplan db init --db 地址",
    ),
    "store.too_new": (
        "{path} was written by a newer kxplan (schema {version}; this kxplan knows up to {known}); upgrade kxplan to use it",
        "{path} 由更新版本的 kxplan 写入（数据库版本 {version}，本程序最高支持 {known}）；请升级 kxplan 后再使用",
    ),
    "store.waiting": (
        "waiting: another kxplan (an import or a backup?) is writing to {path}; this goes on as soon as it finishes — Ctrl-C to stop, nothing is written",
        "等待中：另一个 kxplan（导入或备份？）正在写入 {path}；它结束后立即继续——按 Ctrl-C 可停止，不会写入任何内容",
    ),
    # --- template: template messages --------------------------------------------------------------
    "template.bad_format": (
        "format must be xlsx or csv, not {value!r}",
        "格式必须是 xlsx 或 csv，而不是 {value!r}",
    ),
    "template.done": (
        "wrote the fill-in template of {unit} ({period}) to {path}",
        "已将 {unit}（{period}）的填报模板写入 {path}",
    ),
    "template.unit_required": (
        "give the office the template is for with --unit, e.g. --unit 秀洲区科协",
        "请用 --unit 指定模板所属单位，如 --unit 秀洲区科协",
    ),
    "template.year": ("{year}", "{year}年"),
    # --- text: wording shared by outputs (text.py) ------------------------------------------------
    "text.item_note_sep": ("; ", "；"),
    "text.list_sep": (", ", "，"),
    # --- undo: kxplan undo (cli/clerk_cmds.py) ----------------------------------------------------
    "undo.already_voided": (
        "your last entry #{id} is already voided; use kxplan void ID to void an older one",
        "您最近登记的记录 #{id} 已作废；如需作废更早的记录，请用 kxplan void 编号",
    ),
    "undo.confirm": ('Undo it (void it with reason "undo")? [y/N] ', "确认撤销？[y/N] "),
    "undo.eof": (
        "no answer (the input ended); nothing was undone",
        "没有收到回答（输入已结束），未撤销任何记录",
    ),
    "undo.field": ("{label}: {value}", "{label}：{value}"),
    "undo.kept": ("not undone; nothing was written", "未撤销，未写入任何内容"),
    "undo.last": ("Your last entry:", "您最近登记的一条记录："),
    "undo.nothing": (
        "{by} has no entry to undo in {year} (only your own entries can be undone; see: kxplan log)",
        "{by} 在 {year} 年没有可撤销的记录（只能撤销自己登记的记录；见 kxplan log）",
    ),
    "undo.reason": ("undo", "撤销"),
    # --- unit: unit messages ----------------------------------------------------------------------
    "unit.empty": (
        "--unit is empty; give a unit's id, name or alias",
        "--unit 为空；请输入单位代码、名称或别名",
    ),
    "unit.label": ("{name} ({id})", "{name}（{id}）"),
    "unit.unknown": (
        'unknown unit "{value}"; type a unit\'s id, name or alias (ids: {ids})',
        "未知的单位“{value}”；请输入单位代码、名称或别名（单位代码：{ids}）",
    ),
    "unit.unknown_hint": (
        'unknown unit "{value}"; did you mean {suggestion}?',
        "未知的单位“{value}”；您是否想输入 {suggestion}？",
    ),
    # --- usage: typer/click usage errors in the interface language (cli/i18n.py) ------------------
    "usage.error": ("{message} (see '{command} --help')", "{message}（参见 '{command} --help'）"),
    "usage.extra_arguments": ("unexpected extra argument(s): {args}", "多余的参数：{args}"),
    "usage.invalid_value": ("invalid value for {name}: {reason}", "{name} 的值无效：{reason}"),
    "usage.missing_argument": ("missing argument {name}", "缺少参数 {name}"),
    "usage.missing_option": ("missing option {name}", "缺少选项 {name}"),
    "usage.no_such_command": ("no such command {name!r}", "没有这个命令 {name!r}"),
    "usage.no_such_command_hint": (
        "no such command {name!r}; did you mean {hint!r}?",
        "没有这个命令 {name!r}；您是否要用 {hint!r}？",
    ),
    "usage.no_such_option": ("no such option: {name}", "没有这个选项：{name}"),
    "usage.no_such_option_hint": (
        "no such option: {name}; did you mean {hint}?",
        "没有这个选项：{name}；您是否要用 {hint}？",
    ),
    "usage.option_needs_value": ("option {name} needs a value", "选项 {name} 需要一个值"),
    # --- void: kxplan void (cli/entry_cmds.py) ----------------------------------------------------
    "void.already": (
        "entry #{id} is already voided (void #{void} by {by} at {at}: {reason})",
        "记录 #{id} 已被作废（作废 #{void}，{by} 于 {at}：{reason}）",
    ),
    "void.bad_id": (
        "entry id must be a number such as 12 (see: kxplan log), not {value!r}",
        "记录编号必须是数字，如 12（见 kxplan log），而不是 {value!r}",
    ),
    "void.done": (
        "voided #{id} ({date}) as void #{void}; {summary}",
        "已作废记录 #{id}（{date}），作废编号 #{void}；{summary}",
    ),
    "void.other_year": ("{target} ({year})", "{target}（{year} 年）"),
    "void.reason_required": (
        'give a reason for voiding with --reason "…"',
        '请用 --reason "…" 说明作废原因',
    ),
    "void.stored": ("#{id} voided (void #{void})", "#{id} 已作废（作废编号 #{void}）"),
    "void.unknown": (
        "there is no entry #{id}; see the ids with: kxplan log --all",
        "没有记录 #{id}；可用 kxplan log --all 查看记录编号",
    ),
    # --- xlsx: reading Excel workbooks (tables.py) ------------------------------------------------
    "xlsx.bomb": (
        "{file}: part {part} unpacks to {ratio} times its size, which no workbook does (a zip bomb?); nothing was read",
        "{file}：部件 {part} 解压后是压缩大小的 {ratio} 倍，正常工作簿不会如此（疑似 zip 炸弹）；未读取任何内容",
    ),
    "xlsx.by_content": (
        "{file} is an Excel workbook whatever its name says; read it as one",
        "{file} 实际上是 Excel 工作簿（与扩展名无关），已按工作簿读取",
    ),
    "xlsx.col.cumulative": ("Done so far", "累计完成"),
    "xlsx.col.expected": ("Expected by now", "序时进度"),
    "xlsx.col.goal": ("Goal", "年度目标"),
    "xlsx.col.last_entry": ("Last entry / done on", "最近登记/完成日期"),
    "xlsx.col.percent": ("Share done", "完成率"),
    "xlsx.col.point": ("Work point", "工作要点"),
    "xlsx.col.quarter": ("This quarter", "本季度"),
    "xlsx.col.section": ("Section", "部分"),
    "xlsx.col.status": ("Status", "状态"),
    "xlsx.col.target": ("Target id", "目标编号"),
    "xlsx.col.title": ("Target", "目标"),
    "xlsx.corrupt": (
        "{file} is a damaged or incomplete workbook ({reason}); open it in Excel and save it again, or ask for the file again",
        "{file} 是损坏或不完整的工作簿（{reason}）；请用 Excel 打开后重新保存，或重新索取该文件",
    ),
    "xlsx.empty_sheet": (
        "{file}: sheet {sheet!r} is empty; fill in a header row and the rows, or choose a sheet with --sheet (sheets: {sheets})",
        "{file}：工作表 {sheet!r} 是空的；请填写表头行和数据行，或用 --sheet 选择工作表（工作表：{sheets}）",
    ),
    "xlsx.encrypted": (
        "{file} is protected with a password; open it in Excel, clear the password (File → Info → Protect Workbook → Encrypt with Password), save it and import again",
        "{file} 设有打开密码；请在 Excel 中打开，清除密码（文件 → 信息 → 保护工作簿 → 用密码进行加密）后保存，再导入",
    ),
    "xlsx.error_value": (
        "the cell holds the Excel error {value}; correct the formula or type the value",
        "单元格是 Excel 错误值 {value}；请修正公式或直接填写数值",
    ),
    "xlsx.formula_no_value": (
        "formula {formula} has no saved value; open the file in Excel or WPS, let it calculate, save it and import again",
        "公式 {formula} 没有保存的计算结果；请用 Excel 或 WPS 打开、计算后保存，再导入",
    ),
    "xlsx.list.choice": ("Choice", "下拉选项"),
    "xlsx.list.id": ("Id", "编号"),
    "xlsx.list.kind": ("Kind", "类型"),
    "xlsx.list.title": ("Title", "名称"),
    "xlsx.list.unit": ("Unit", "计量单位"),
    "xlsx.list.whole": ("Whole numbers (1)", "整数（1）"),
    "xlsx.merged_cells": (
        "{place}: merged cells in the table; unmerge them and fill in every cell (each row needs its own values)",
        "{place}: 表格中有合并单元格；请取消合并并填满每个单元格（每一行都要有自己的值）",
    ),
    "xlsx.merged_header": (
        "{place}: merged header cells; unmerge them so that every column has its own header",
        "{place}: 表头有合并单元格；请取消合并，让每一列都有自己的表头",
    ),
    "xlsx.no_encoding": (
        "--encoding is for CSV files; {file} is an Excel workbook (leave out --encoding)",
        "--encoding 只用于 CSV 文件；{file} 是 Excel 工作簿（请去掉 --encoding）",
    ),
    "xlsx.no_sheet": (
        "{file} has no sheet {sheet!r}; its sheets are {sheets}",
        "{file} 中没有工作表 {sheet!r}；其工作表为 {sheets}",
    ),
    "xlsx.no_worksheets": (
        "{file} has no worksheet to read",
        "{file} 中没有可读取的工作表",
    ),
    "xlsx.not_workbook": (
        "{file} is a zip archive but not an Excel workbook; import an .xlsx or .csv file",
        "{file} 是 zip 压缩包而不是 Excel 工作簿；请导入 .xlsx 或 .csv 文件",
    ),
    "xlsx.ods": (
        "{file} is an OpenDocument spreadsheet (.ods); save it as .xlsx and import that",
        "{file} 是 OpenDocument 表格（.ods）；请另存为 .xlsx 后再导入",
    ),
    "xlsx.progress_title": ("{heading} · as of {as_of}", "{heading} · 统计截至 {as_of}"),
    "xlsx.sheet_entries": ("Entries", "登记明细"),
    "xlsx.sheet_instructions": ("How to fill in", "填写说明"),
    "xlsx.sheet_lists": ("Targets", "目标列表"),
    "xlsx.sheet_not_workbook": (
        "--sheet is for Excel workbooks; {file} is a CSV (text) file (leave out --sheet)",
        "--sheet 只用于 Excel 工作簿；{file} 是 CSV（文本）文件（请去掉 --sheet）",
    ),
    "xlsx.sheet_progress": ("Progress {quarter}", "进度 {quarter}"),
    "xlsx.sheet_template": ("Entries", "登记"),
    "xlsx.text_by_content": (
        "{file} is a text (CSV) file, not a workbook, whatever its name says; read it as CSV",
        "{file} 实际上是文本（CSV）文件而不是工作簿（与扩展名无关），已按 CSV 读取",
    ),
    "xlsx.too_large": (
        "{file} unpacks to more than {limit} MB, more than any workbook of entries; nothing was read",
        "{file} 解压后超过 {limit} MB，远超任何登记表的大小；未读取任何内容",
    ),
    "xlsx.too_many_parts": (
        "{file} holds {count} parts, more than any workbook; nothing was read",
        "{file} 含有 {count} 个部件，远超正常工作簿；未读取任何内容",
    ),
    "xlsx.too_many_rows": (
        "{file}: sheet {sheet!r} has more than {limit} rows; split it into several files",
        "{file}：工作表 {sheet!r} 超过 {limit} 行；请拆分为多个文件",
    ),
    "xlsx.tpl.amount_input": (
        "For count targets: how many (default 1). Leave empty for milestones and ongoing work.",
        "计数类目标填写数量（不填为 1）；里程碑和日常工作不填。",
    ),
    "xlsx.tpl.amount_mixed": (
        "The amount is a number greater than 0, a whole number for targets counted in whole units.",
        "数量须为大于 0 的数；按整数计量的目标须为整数。",
    ),
    "xlsx.tpl.amount_title": ("Amount", "数量"),
    "xlsx.tpl.amount_whole": (
        "The amount is a whole number greater than 0.",
        "数量须为大于 0 的整数。",
    ),
    "xlsx.tpl.col_help": ("What to write", "填写说明"),
    "xlsx.tpl.col_name": ("Column", "列名"),
    "xlsx.tpl.col_required": ("Required", "必填"),
    "xlsx.tpl.date_error": (
        "Give a real date from {first} to {last}.",
        "请填写 {first} 至 {last} 之间的有效日期。",
    ),
    "xlsx.tpl.date_input": (
        "The date it happened, {first} to {last}, e.g. 2019-07-04.",
        "发生日期，{first} 至 {last}，如 2019-07-04。",
    ),
    "xlsx.tpl.date_title": ("Date", "日期"),
    "xlsx.tpl.heading": (
        "Progress entries of {unit}, {period}: how to fill in this workbook",
        "{unit} {period}工作进展登记表：填写说明",
    ),
    "xlsx.tpl.help_amount": (
        "Count targets: how many (empty means 1). Milestones: leave empty (the row marks it done on the date). Ongoing work: leave empty.",
        "计数类目标：填写数量（不填即为 1）。里程碑：不填（该行表示于当日完成）。日常工作：不填。",
    ),
    "xlsx.tpl.help_by": ("Who filled in the row (optional).", "填报人（可不填）。"),
    "xlsx.tpl.help_date": (
        "When it happened, from {first} to {last}: a date such as 2019-07-04 or 2019/7/4.",
        "发生日期，{first} 至 {last}：如 2019-07-04 或 2019/7/4。",
    ),
    "xlsx.tpl.help_evidence": (
        "Evidence: a web address or a document number (optional).",
        "佐证：网址或文件编号（可不填）。",
    ),
    "xlsx.tpl.help_item": (
        "What was counted, by name (e.g. the company of a new workstation); the same item is counted once.",
        "计入的具体事项名称（如新建工作站所在企业）；同一事项只计一次。",
    ),
    "xlsx.tpl.help_note": (
        "What was done; required for ongoing work (日常工作). Line breaks are fine.",
        "开展情况说明；日常工作必填。可以换行。",
    ),
    "xlsx.tpl.help_target": (
        "The target the work counts for: choose it from the drop-down list ({count} targets of the plan, id and title).",
        "该项工作计入的目标：从下拉列表中选择（计划中的 {count} 个目标，含编号和名称）。",
    ),
    "xlsx.tpl.help_unit": (
        "Filled in for you ({unit}); leave it as it is.",
        "已预先填好（{unit}），请勿修改。",
    ),
    "xlsx.tpl.no": ("no", "否"),
    "xlsx.tpl.note_import": (
        "The city office imports it with: kxplan import FILE.xlsx (every row is checked; nothing is imported until all rows are right).",
        "市科协用 kxplan import 文件名.xlsx 导入（逐行检查；所有行都正确后才会导入）。",
    ),
    "xlsx.tpl.note_rows": (
        "One row per piece of work. Rows with only the unit are ignored; do not change the header row or merge cells.",
        "每项工作填一行。只有单位的行会被忽略；请勿修改表头行，请勿合并单元格。",
    ),
    "xlsx.tpl.note_save": (
        "Save as an Excel workbook (.xlsx) and send the file back; a CSV works too.",
        "请保存为 Excel 工作簿（.xlsx）后发回；CSV 文件亦可。",
    ),
    "xlsx.tpl.target_error": (
        "Choose a target from the list; the list is the plan's targets.",
        "请从下拉列表中选择目标；列表即计划中的全部目标。",
    ),
    "xlsx.tpl.target_input": (
        "Choose the target from the list (its id and title).",
        "请从下拉列表中选择目标（编号和名称）。",
    ),
    "xlsx.tpl.target_title": ("Target", "目标"),
    "xlsx.tpl.yes": ("yes", "是"),
    "xlsx.xls": (
        "{file} is an old Excel 97–2003 workbook (.xls); open it in Excel and save it as .xlsx (File → Save As → Excel Workbook)",
        "{file} 是旧版 Excel 97–2003 工作簿（.xls）；请用 Excel 打开后另存为 .xlsx（文件 → 另存为 → Excel 工作簿）",
    ),
    "xlsx.xlsb": (
        "{file} is a binary Excel workbook (.xlsb); save it as .xlsx and import that",
        "{file} 是二进制 Excel 工作簿（.xlsb）；请另存为 .xlsx 后再导入",
    ),
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
