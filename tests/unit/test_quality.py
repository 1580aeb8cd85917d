"""The card-quality checks, one by one: a card that breaks each rule (most of them real
cards of Learn AWS, before or after its 1.1 review), and cards that must pass."""

from __future__ import annotations

import textwrap

import pytest

from deckgen.errors import sorted_diagnostics
from deckgen.model import Card, QualitySettings
from deckgen.notes.parse import parse_notes_file
from deckgen.quality import text
from deckgen.quality.lint import QualityReport, lint
from deckgen.quality.single import enumeration


def cards_of(files: dict[str, str]) -> list[Card]:
    cards: list[Card] = []
    for name, markdown in files.items():
        parsed = parse_notes_file(textwrap.dedent(markdown), f"notes/{name}", name, "learn-aws")
        assert [d for d in parsed.diagnostics if d.is_error] == []
        cards += parsed.cards
    return cards


def report_of(files: dict[str, str] | str, **settings: object) -> QualityReport:
    files = {"ec2.md": files} if isinstance(files, str) else files
    return lint(cards_of(files), QualitySettings(**settings))  # type: ignore[arg-type]


def findings(files: dict[str, str] | str, **settings: object) -> list[str]:
    return [str(d) for d in sorted_diagnostics(report_of(files, **settings).diagnostics)]


# --- long-answer ---------------------------------------------------------------------------

BLUE_GREEN = """\
    # ECS
    ### How does an Amazon ECS blue/green deployment reduce the risk of releasing a new service revision?
    The new revision (green) runs beside the current one (blue) and is validated before the load balancer shifts production traffic to it, so rollback is quick. ECS does this natively or with AWS CodeDeploy.
    """


def test_a_long_answer_is_a_warning() -> None:
    assert findings(BLUE_GREEN) == [
        "notes/ec2.md:2: warning DG501 the answer has 34 words (max_answer_words = 30): keep the"
        " one fact the question asks, and give the rest cards of their own [long-answer]"
    ]


def test_the_answer_limit_is_the_decks() -> None:
    assert findings(BLUE_GREEN, max_answer_words=34) == []


def test_code_and_tables_are_not_words_of_the_answer() -> None:
    markdown = """\
        # ECR
        ### What is the current AWS CLI command to log Docker in to an Amazon ECR registry?
        Pipe `get-login-password` into `docker login`, with username `AWS`:

        ```bash
        aws ecr get-login-password --region REGION \\
          | docker login --username AWS --password-stdin ACCOUNT.dkr.ecr.REGION.amazonaws.com
        aws ecr describe-repositories --query 'repositories[].repositoryUri' --output text
        ```

        | option | meaning |
        | --- | --- |
        | `--region` | the registry's Region, which must match the one in the registry URI here |
        """
    assert findings(markdown) == []


# --- list ----------------------------------------------------------------------------------


def test_an_enumeration_in_the_answer_is_a_list_to_recall() -> None:
    markdown = """\
        # Storage
        ### Which root volume type do Nitro-based EC2 instances support?
        Only Amazon EBS. Instance store root volumes work only on a few previous-generation types (C1, C3, D2, I2, M1, M2, M3, R3, X1).
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: warning DG502 the answer is an enumeration of 9 items to recall"
        " (max_list_items = 4): a cloze per item, or a card per item [list]"
    ]


def test_a_markdown_list_and_a_table_are_counted() -> None:
    markdown = """\
        # Batch
        ### Which states can an AWS Batch job be in?
        - SUBMITTED
        - PENDING
          - only with dependencies
        - RUNNABLE
        - STARTING
        - RUNNING

        ### Which limits apply?
        | limit | value |
        | --- | --- |
        | a | 1 |
        | b | 2 |
        | c | 3 |
        | d | 4 |
        | e | 5 |
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: warning DG502 the answer is a list of 5 items to recall"
        " (max_list_items = 4): a cloze per item, or a card per item [list]",
        "notes/ec2.md:10: warning DG502 the answer is a table of 5 rows to recall"
        " (max_list_items = 4): a cloze per item, or a card per item [list]",
    ]


def test_a_deletion_hiding_a_list_is_a_list_to_recall() -> None:
    markdown = """\
        # ECS
        An ECS cluster's capacity comes from {{c1::Fargate, Fargate Spot, EC2 Auto Scaling groups, Managed Instances and external instances}}.
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: warning DG502 c1 hides a list of 5 items to recall at once"
        " (max_list_items = 4): a cloze per item, or a card per item [list]"
    ]


def test_four_items_and_two_short_series_are_not_lists() -> None:
    markdown = """\
        # Elastic Beanstalk
        ### What does AWS Elastic Beanstalk do with the code you upload?
        It deploys the application and automatically handles capacity provisioning, load balancing, auto scaling and application health monitoring.

        ### Are there performance or security differences between EC2 Dedicated Instances and instances on Dedicated Hosts?
        No. They differ in billing, visibility and placement control, not in performance, security or physical hardware.
        """
    assert findings(markdown) == []
    assert findings(markdown, max_list_items=3) == [
        "notes/ec2.md:2: warning DG502 the answer is an enumeration of 4 items to recall"
        " (max_list_items = 3): a cloze per item, or a card per item [list]"
    ]


@pytest.mark.parametrize(
    ("prose", "items"),
    [
        ("A, B, C and D.", 4),
        ("A, B, C, and D.", 4),
        ("buffers, caches, scratch data", 3),
        ("It costs 3,000 or 4,000 dollars.", 0),
        ("If you don't, EC2 uses the default group, which allows outbound traffic.", 0),
        ("At launch, a random password is generated and encrypted with the public key.", 0),
        ("Go, Java (Corretto, OpenJDK), Node.js, PHP and Python", 5),
    ],
)
def test_enumeration(prose: str, items: int) -> None:
    assert enumeration(prose) == items


# --- two-questions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Which AWS service collects Amazon ECS metrics for clusters and services, and how often?",
        "Which protocol and port are used to connect to a Linux EC2 instance, and which to a Windows instance?",
        "Who stores the public key of an EC2 key pair and who stores the private key?",
        "What is a Spot Instance? When is it interrupted?",
    ],
)
def test_a_question_that_asks_two_things(question: str) -> None:
    found = findings(f"# EC2\n### {question}\nAn answer.\n")
    assert len(found) == 1 and " warning DG503 the question asks two things" in found[0]


@pytest.mark.parametrize(
    "question",
    [
        "Where does the kubelet run: in the Kubernetes control plane or on the worker nodes?",
        "How are EC2 Dedicated Hosts and Dedicated Instances billed?",
        "What does `ecr:Get?` match in an IAM policy?",
    ],
)
def test_one_question(question: str) -> None:
    assert findings(f"# EC2\n### {question}\nAn answer.\n") == []


# --- cloze-count ---------------------------------------------------------------------------


def test_a_cloze_of_many_cards() -> None:
    markdown = """\
        # AWS Batch
        An AWS Batch job goes {{c1::SUBMITTED}} → {{c2::PENDING}} → {{c3::RUNNABLE}} → {{c4::STARTING}} → {{c5::RUNNING}}.
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: warning DG504 the cloze makes 5 cards (max_cloze_deletions = 3) and each"
        " shows the other 4 answers: fewer deletions, or a card per fact [cloze-count]"
    ]
    assert findings(markdown, max_cloze_deletions=5) == []


def test_deletions_of_one_number_are_one_card() -> None:
    markdown = """\
        # Storage
        Data on an EC2 instance store volume is lost when the instance is {{c1::stopped}}, {{c2::hibernated}} or {{c3::terminated}}.

        Every gp3 volume gets {{c1::3,000}} IOPS and {{c1::125}} MiB/s, {{c2::whatever}} its {{c2::size}}.
        """
    assert findings(markdown) == []


# --- cloze-guessable -----------------------------------------------------------------------


def test_a_deletion_the_rest_of_the_cloze_shows() -> None:
    markdown = """\
        # ECS
        On EC2 capacity, Amazon ECS placement strategy {{c1::binpack}} picks the instances with the least available CPU or memory, {{c2::spread}} distributes tasks evenly (a service spreads across AZs by default), and constraint {{c3::distinctInstance}} puts each task on a different instance.
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: info DG505 c2 hides 'spread', which the rest of the cloze shows"
        " [cloze-guessable]"
    ]


def test_a_deletion_of_a_function_word_or_given_by_its_hint() -> None:
    markdown = """\
        # Storage
        An EBS volume can {{c1::not}} be attached to an instance in another Availability Zone.

        FSx for Windows File Server shares speak {{c1::SMB::the SMB protocol}}.
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: info DG505 c1 hides only 'not': a yes-or-no guess, not a fact"
        " [cloze-guessable]",
        "notes/ec2.md:4: info DG505 c1 hides 'SMB', which the rest of the cloze shows"
        " [cloze-guessable]",
    ]


def test_a_deletion_recalled_not_read() -> None:
    markdown = """\
        # Elastic Beanstalk
        For an application written in a language that has no Elastic Beanstalk language platform, you use the {{c1::Docker}} platform.
        """
    assert findings(markdown) == []


# --- leak ----------------------------------------------------------------------------------

USER_DATA = """\
    # EC2
    ## User data
    ### What is EC2 user data?
    <!-- id: ec2-user-data -->
    Data passed to an instance at launch — shell scripts or cloud-init directives — used to run commands and automate configuration after the instance starts.

    ### As which user do EC2 Linux user data scripts run?
    As `root`, so the script should not use `sudo`.

    ### How do you pass a user data script file with the AWS CLI when launching an EC2 instance?
    Use the `--user-data` option of `run-instances` with a `file://` path.
    """


def test_a_question_that_shows_another_cards_answer() -> None:
    assert findings(USER_DATA) == [
        "notes/ec2.md:10: info DG506 its question shows 'Data passed to an instance at launch',"
        " the answer of notes/ec2.md:3 (ec2-user-data), with 'data', 'user' from that card's"
        " front: reviewing one answers the other [leak]"
    ]


def test_a_cloze_that_shows_another_cards_answer() -> None:
    markdown = """\
        # Storage
        ### Which Amazon FSx file system suits Microsoft Windows-based applications?
        Amazon FSx for Windows File Server.

        Amazon FSx offers file systems for {{c1::Windows File Server}}, {{c2::Lustre}}, {{c3::NetApp ONTAP}}.
        """
    assert findings(markdown) == [
        "notes/ec2.md:5: info DG506 its cloze shows 'Amazon FSx for Windows File Server', the"
        " answer of notes/ec2.md:2, with 'amazon', 'file', 'fsx', 'systems' from that card's"
        " front: reviewing one answers the other [leak]"
    ]


def test_the_same_answer_to_other_questions_is_no_leak() -> None:
    markdown = """\
        # EC2
        ### Which EC2 tenancy option gives visibility of the number of sockets and physical cores of the server?
        Dedicated Host.

        ### Which EC2 tenancy option lets you keep deploying your instances to the same physical server over time (host affinity)?
        Dedicated Host.

        ### How are EC2 Dedicated Hosts and Dedicated Instances billed?
        Dedicated Hosts: per host. Dedicated Instances: per instance.
        """
    assert findings(markdown) == []


def test_a_yes_or_no_question_states_nothing_so_leaks_nothing() -> None:
    markdown = """\
        # Security groups
        ### A security group allows an inbound request. What happens to the response traffic?
        It is allowed out automatically, whatever the outbound rules say: security groups are stateful.

        ### Does a network ACL automatically allow the response to traffic it allowed?
        No. Network ACLs (subnet level) are stateless.
        """
    assert findings(markdown) == []
    assert len(findings(markdown.replace("Does a network ACL", "How does a network ACL"))) == 1


def test_leaks_stay_within_a_sub_deck() -> None:
    before, after = USER_DATA.split("    ### How do you pass")
    files = {"ec2.md": before, "cli.md": "# CLI\n### How do you pass" + textwrap.dedent(after)}
    assert findings(files) == []


# --- duplicate -----------------------------------------------------------------------------


def test_a_question_and_a_cloze_of_one_fact_across_sub_decks() -> None:
    files = {
        "ec2.md": """\
            # EC2
            ### Which EC2 storage volumes hold temporary data that is deleted when you stop, hibernate or terminate the instance?
            <!-- id: ec2-storage-instance-store -->
            Instance store volumes.
            """,
        "storage.md": """\
            # Storage
            Data on an EC2 instance store volume is lost when the instance is {{c1::stopped}}, {{c2::hibernated}} or {{c3::terminated}}.
            """,
    }
    assert findings(files) == [
        "notes/storage.md:2: warning DG507 it asks the same fact as notes/ec2.md:2"
        " (ec2-storage-instance-store) [duplicate]"
    ]


def test_one_question_in_other_words() -> None:
    files = {
        "ec2.md": "# EC2\n### What is a Spot Instance?\nSpare capacity at a discount.\n",
        "batch.md": "# Batch\n### What are Spot instances?\nUnused EC2 capacity.\n",
    }
    assert findings(files) == [
        "notes/ec2.md:2: warning DG507 it asks the same fact as notes/batch.md:2 [duplicate]"
    ]


def test_a_question_asked_twice_in_a_sub_deck_is_left_to_dg102() -> None:
    markdown = (
        "# EC2\n### What is a Spot Instance?\nSpare.\n\nQ: what is a spot instance\nA: Cheap.\n"
    )
    assert findings(markdown) == []


def test_contrasting_questions_are_not_duplicates() -> None:
    markdown = """\
        # EC2
        ### What do you commit to when you buy a Compute or EC2 Instance Savings Plan?
        A consistent amount of usage, measured in USD per hour, for the whole term of the plan.

        ### What do you commit to when you buy EC2 Reserved Instances?
        A consistent instance configuration, including instance type and Region, for the whole term.
        """
    assert findings(markdown) == []


# --- ambiguous -----------------------------------------------------------------------------


def test_an_open_question_with_a_long_answer_of_several_facts() -> None:
    markdown = """\
        # EC2
        ### What is an EC2 Spot Instance?
        An instance that runs on unused EC2 capacity at a significantly lower cost than On-Demand; Amazon EC2 can interrupt it when it needs the capacity back.
        """
    assert findings(markdown) == [
        "notes/ec2.md:2: info DG508 an open question with a 26-word answer of several facts"
        " (max_definition_words = 20): other true answers fit it; ask for the one fact the"
        " answer gives [ambiguous]"
    ]


def test_a_question_asking_for_an_example() -> None:
    markdown = "# Batch\n### Give an example of using two AWS Batch job queues.\nOne for Spot.\n"
    assert findings(markdown) == [
        "notes/ec2.md:2: info DG508 the question asks for an example, so many answers are"
        " right: ask for one fact [ambiguous]"
    ]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("What is Kubernetes?", "An open-source system for automating containers."),
        (
            "What is the scope of AWS Batch: AZ, Region or global?",
            "Region: AWS Batch is a regional service; it runs jobs across multiple"
            " Availability Zones within a Region, never across Regions at all.",
        ),
        (
            "What is NAT?",
            "Rewriting the IP addresses in packet headers while packets pass through a"
            " routing device, mapping one address space into another (e.g. private to public).",
        ),
        (
            "What does an Amazon ECS service do?",
            "It runs and maintains a desired number of tasks; if a task fails or stops, the"
            " service scheduler launches a replacement from the task definition.",
        ),
    ],
)
def test_questions_that_ask_one_thing(question: str, answer: str) -> None:
    assert findings(f"# EC2\n### {question}\n{answer}\n") == []


# --- settings and silencing ----------------------------------------------------------------


def test_checks_turned_off_find_nothing() -> None:
    assert findings(BLUE_GREEN, off=("long-answer",)) == []


def test_a_comment_with_a_reason_silences_its_check_on_its_card() -> None:
    markdown = BLUE_GREEN.replace(
        "revision?\n", "revision?\n    <!-- quality: ok long-answer — the two go together -->\n"
    )
    report = report_of(markdown)
    assert report.diagnostics == []
    [silenced] = report.silenced
    assert str(silenced.diagnostic).startswith("notes/ec2.md:2: warning DG501 the answer has 34")
    assert (silenced.silence.check, silenced.silence.reason) == (
        "long-answer",
        "the two go together",
    )
    assert silenced.silence.loc.line == 3


def test_a_comment_for_another_check_silences_nothing_and_is_listed() -> None:
    markdown = BLUE_GREEN.replace(
        "revision?\n", "revision?\n    <!-- quality: ok list — not the finding here -->\n"
    )
    assert findings(markdown) == [
        "notes/ec2.md:2: warning DG501 the answer has 34 words (max_answer_words = 30): keep the"
        " one fact the question asks, and give the rest cards of their own [long-answer]",
        "notes/ec2.md:3: info DG512 'ok list' silences nothing: the list check finds nothing"
        " on this card now; remove the comment",
    ]
    assert findings(markdown, off=("list",))[1:] == []


def test_a_comment_without_a_reason_silences_nothing() -> None:
    markdown = BLUE_GREEN.replace(
        "revision?\n", "revision?\n    <!-- quality: ok long-answer -->\n"
    )
    parsed = parse_notes_file(textwrap.dedent(markdown), "notes/ecs.md", "ecs.md", "learn-aws")
    assert [str(d) for d in parsed.diagnostics] == [
        "notes/ecs.md:3: warning DG510 quality comment 'ok long-answer' gives no reason: say why"
        " the finding is acceptable (<!-- quality: ok CHECK — reason -->); until then it"
        " silences nothing"
    ]
    assert len(findings(markdown)) == 1


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        ("stop stops stopped stopping", "stop"),
        ("terminate terminates terminated", "terminat"),
        ("policy policies", "policy"),
        ("host hosts", "host"),
        ("AWS EBS io2 kube-scheduler", None),
    ],
)
def test_stems_meet_for_inflections_and_leave_names_alone(words: str, stem: str | None) -> None:
    stems = text.stems(words)
    if stem is None:
        assert stems == text.words(words)
    else:
        assert set(stems) == {stem}


def test_plain_text_leaves_code_blocks_comments_and_marks_out() -> None:
    markdown = "Use **`awsvpc`** [mode](https://x.y/z)<!-- c -->.\n```\ncode here\n```\n| a |"
    assert text.plain(" ".join(text.prose_lines(markdown))) == "Use awsvpc mode. | a |"
