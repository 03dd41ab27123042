"""The commands: one module per command or group (a module with `app`, a Typer, is a group).

The table below is all the root command knows of them before one is run."""

#: every command and group, in the order --help lists them: name → (its module here, the line
#: the root's --help shows for it). A module is imported only when its command runs, shows its
#: own help or completes (cli.SdcliGroup.get_command), so `sdcli --help` and `--version` import
#: none; the line is the first of the command's docstring, or of the group's help
#: (tests/test_lazy_cli.py holds them equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("open", "Open an incident: walk the intake questionnaire, or take it from flags or JSON."),
    "classify": ("classify", "Classify an incident's severity and set its recovery deadline."),
    "escalate": ("escalate", "Show the escalation table for an incident, with the level due now; record each attempt."),
    "show": ("show", "Show every field of a ticket and its whole timeline."),
    "list": ("list_", "List tickets (by default those not finished), with filters."),
    "search": ("search", "Find tickets by what the caller says: customer, site, contact, references, text."),
    "shift": ("shift", "One screen for the start of a shift: breached, due soon, unacknowledged, escalations due."),
    "note": ("note", "Add a note to a ticket's timeline."),
    "ack": ("ack", "Record that the customer was sent the incident number (the 15-minute promise)."),
    "hold": ("hold", "Put an incident on hold: its SLA clock pauses until `sdcli resume`."),
    "resume": ("resume", "Resume an incident on hold: its SLA clock runs again and the deadline moves by the pause."),
    "resolve": ("resolve", "Mark an incident resolved; this stops its SLA clock."),
    "close": ("close", "Close a resolved incident (the customer confirmed, or the waiting time passed)."),
    "reopen": ("reopen", "Reopen a resolved or closed incident; its SLA clock runs again."),
    "import": ("import_", "Import tickets in one all-or-nothing write, validated like `sdcli open`; idempotent by key."),
    "export": ("export", "Export whole tickets for reports and other systems; CSV cells are spreadsheet-safe."),
    "doctor": ("doctor", "Check the store: valid JSON, index consistent with tickets, unique ids, permissions."),
    "inbox": ("inbox", "Register the incidents and SSR forms that arrived by e-mail, one line per message."),
    "complete": ("complete", "Give the answers an incident was registered without (its missing_answers), and only those."),
    "ssr": ("ssr", "Simple Service Requests: lead-time rules, states and the monthly invoice."),
    "change": ("change", "Change requests: planned work, routed to the right owner, executed after acceptance."),
    "customer": ("customer", "The customer directory: project and account managers, for change routing."),
    "drafts": ("drafts", "Forms in progress (incident, SSR, change): who owns each, and discarding one."),
    "config": ("config", "Settings: default country, language, time zone, agent name, day order, CSV delimiter, store."),
    "store": ("store_", "The store itself: move a desk's queue to another store."),
    "db": ("db", "The store's database: schema migrations, status, agents' logins."),
    "outbox": ("outbox", "Customer updates queued by changes of incidents, and their sending."),
}  # fmt: skip
