"""Every change to conferences and petitions. Each action runs in one transaction, writes its
audit event in it, and refuses bad input with a ValidationError naming what is wrong; nothing
is half-written on a refusal. An answer's commitment becomes a task through plans' create_task
inside the answer's transaction: a failure of either leaves neither.

A package: conferences.py, petitions.py (receiving, screening, routing), answers.py (answers,
commitments, publication, closing). Import from here: `from cchc.dialogues.actions import …`."""

from cchc.dialogues.actions.answers import (
    CommitmentSpec,
    answer_petition,
    close_petition,
    publish_answers,
)
from cchc.dialogues.actions.conferences import (
    announce_conference,
    close_conference,
    hold_conference,
)
from cchc.dialogues.actions.personal_data import (
    correct_petition_contact,
    erase_petitioner_data,
    petitioner_data,
    proves_control,
    withdraw_contact_consent,
)
from cchc.dialogues.actions.petitions import (
    MAX_FILE_BYTES,
    MAX_FILES,
    TITLE_LIMIT,
    merge_petition,
    new_code,
    record_petition,
    route_petition,
    screen_petition,
    submit_petition,
)

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "TITLE_LIMIT",
    "CommitmentSpec",
    "announce_conference",
    "answer_petition",
    "close_conference",
    "close_petition",
    "correct_petition_contact",
    "erase_petitioner_data",
    "hold_conference",
    "merge_petition",
    "new_code",
    "petitioner_data",
    "proves_control",
    "publish_answers",
    "record_petition",
    "route_petition",
    "screen_petition",
    "submit_petition",
    "withdraw_contact_consent",
]
