"""Settings shared by every deployment. Values that differ per deployment come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FOODCREDIT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "foodcredit.core",
    "foodcredit.accounts",
    "foodcredit.operators",
    "foodcredit.credit",
    "foodcredit.licences",
    "foodcredit.inspections",
    "foodcredit.sampling",
    "foodcredit.penalties",
    "foodcredit.complaints",
    "foodcredit.objections",
    "foodcredit.collection",
    "foodcredit.risk",
    "foodcredit.planning",
    "foodcredit.alerts",
    "foodcredit.sharing",
    "foodcredit.schedule",
    "foodcredit.creditreport",
    "foodcredit.demo",
    "foodcredit.office",
    "foodcredit.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "foodcredit.core.middleware.RejectNulCookieMiddleware",  # before the session is looked up with a cookie's value
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: list pages answer an htmx swap with the table alone
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # The request layer's guards (core/middleware.py): after authentication, before anything reads the body.
    "foodcredit.core.middleware.RequestIdMiddleware",
    "foodcredit.core.middleware.RefusalAuditMiddleware",
    "foodcredit.core.middleware.NoStoreMiddleware",
    "foodcredit.core.middleware.ThrottleMiddleware",
    "foodcredit.core.middleware.BodySizeLimitMiddleware",
    "foodcredit.core.middleware.RejectNulMiddleware",
    "foodcredit.core.middleware.RequestFaultMiddleware",
    "foodcredit.core.middleware.SessionLifetimeMiddleware",
    "foodcredit.accounts.middleware.TwoFactorMiddleware",
    "foodcredit.accounts.middleware.PasswordExpiryMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its response
]

# SECURITY.md A5 (ASVS 3.4.3, 3.4.6): Content-Security-Policy (django-csp; Django 5.2 has none of its own). Every
# script, style and chart asset is served by the app itself (no CDN: bureaus run on intranets) and the templates hold
# no inline script or style, so 'self' is the whole policy; the charts draw SVG, images may be data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# SECURITY.md A1: login lockout (django-axes; defaults set explicitly). Five failures for one username (from one
# address, or from anywhere) lock it for 30 minutes — not per address alone, which would lock a whole bureau behind
# one NAT address; a success resets the count. Every failure and every lockout is also an audit row (office login).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "foodcredit.office.views_auth.login_locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "foodcredit.core.middleware.client_address"  # one answer to 'which client' (proxies below)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/office/login/"
LOGIN_REDIRECT_URL = "/office/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'foodcredit.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Imports stage up to millions of rows in temporary tables; local buffers are allocated only when used.
    DATABASES["default"]["OPTIONS"] = {"options": "-c temp_buffers=256MB"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while an import job writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The ledger's covering indexes (INCLUDE) serve PostgreSQL's index-only scans; SQLite keeps their key columns.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "foodcredit.accounts.validators.ContextWordValidator"},
    {"NAME": "foodcredit.accounts.validators.StaffCharacterKindsValidator", "OPTIONS": {"min_kinds": 3}},
]
# SECURITY.md A3 (等保 §8.1.4.1 d): staff log in with a password and a TOTP code (django-otp; 30-second steps, one
# step of tolerance, a code used once). Business and association users: password only. Development turns it off.
STAFF_TWO_FACTOR = True
OTP_TOTP_ISSUER = "食品安全信用监管平台"
# A first authenticator is set up only with a one-time enrolment code that the security
# administrator hands over out of band (hashed at rest, used once); it lapses after these hours or these wrong tries.
TWO_FACTOR_ENROLMENT_CODE_HOURS = 72
TWO_FACTOR_ENROLMENT_CODE_MAX_FAILURES = 5
PASSWORD_MAX_AGE_DAYS = 90  # SECURITY.md A2: staff passwords are changed every 90 days (等保 测评 practice)
ACCOUNT_DORMANT_DAYS = 90  # SECURITY.md B4: an account unused this long is disabled (accounts_dormant_disable, daily)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from here after collectstatic; finders serve in DEBUG
# Front-end libraries come from the npm registry at setup (package-lock.json) and are served by the app:
# bureaus run on intranets, so nothing is loaded from a CDN at runtime.
# Only the files the pages load (core/staticfinders.py): the packages' other files stay out of collectstatic.
VENDOR_STATIC_FILES = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist", ["htmx.min.js"]),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist", ["echarts.min.js"]),
    (  # the API documentation page; the stylesheet names its source map, which the manifest storage resolves
        "vendor/swagger-ui",
        BASE_DIR / "node_modules" / "swagger-ui-dist",
        ["swagger-ui-bundle.js", "swagger-ui-bundle.js.map", "swagger-ui.css", "swagger-ui.css.map"],
    ),
]
STATICFILES_FINDERS = [
    "foodcredit.core.staticfinders.VendorFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_AGE = 30 * 60  # SECURITY.md A4: idle limit ≤ 30 min
SESSION_ABSOLUTE_AGE = 12 * 60 * 60  # SECURITY.md A4: a login lasts at most 12 hours, however busy
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default behaviour

# Upload caps (SECURITY.md C3/C4): 50 MB through the web; the CLI streams files of any size.
IMPORT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
IMPORT_XLSX_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
IMPORT_XLSX_MAX_RATIO = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024  # JSON import bodies through the API

# The request layer (core/middleware.py) -------------------------------------------------------------------------------
# Proxies in front of the application that append the address they saw to X-Forwarded-For (nginx: 1). 0 = none: the
# header is the client's own claim and is ignored (ASVS 5 §15.3.4). Throttling, the lockout and audit rows use it.
TRUSTED_PROXY_COUNT = int(os.environ.get("FOODCREDIT_TRUSTED_PROXY_COUNT", "0"))
# Bodies are refused (413) by their Content-Length before they are read. Someone not logged in sends forms and
# queries only: 64 KB. Logged-in users: the longest matching path prefix, else "default".
REQUEST_BODY_MAX_BYTES_ANONYMOUS = 64 * 1024
REQUEST_BODY_MAX_BYTES = {
    "default": 10 * 1024 * 1024,  # forms, JSON writes, a task's attachment (PLANNING_ATTACHMENT_MAX_BYTES)
    "/api/v1/imports/": DATA_UPLOAD_MAX_MEMORY_SIZE,  # JSON import bodies
    "/office/imports/upload/": IMPORT_UPLOAD_MAX_BYTES + 64 * 1024,  # SECURITY.md: 50 MB files, plus form framing
}
# Throttling (SECURITY.md C5): requests per client address when nobody is logged in ("anonymous"), per user when
# someone is ("user"), per window ("N/s|m|h|d", django-ratelimit's notation); the first rule whose path matches
# counts, None = not counted. Past the rate: 429 with Retry-After. A load test runs with these figures.
THROTTLE_ENABLED = True
THROTTLE_RULES = [
    # Whether an ID number is banned: one answer per number, so probing is what to stop (DOMAIN.md §7).
    {"name": "eligibility_persons", "path": r"^/api/v1/eligibility/persons$", "anonymous": "10/m", "user": "120/h"},
    # Anonymous figures are per address, and a bureau's staff (or a mobile carrier's users) share one behind NAT: room
    # for a morning's logins and a person's browsing, not for a crawl of the directory (5,000 files in minutes).
    {"name": "login", "path": r"^/(office|admin)/login/$", "anonymous": "120/m", "user": "120/m"},  # + django-axes
    {"name": "public_api", "path": r"^/api/v1/(.+/)?public/", "anonymous": "300/m", "user": "600/m"},
    {"name": "api", "path": r"^/api/", "anonymous": "120/m", "user": "600/m"},
    {"name": "office", "path": r"^/(office|admin)/", "anonymous": "300/m", "user": "600/m"},
    {"name": "static", "path": r"^/static/", "anonymous": None, "user": None},
    # The public report form (its page and its posts): a person reports a few times, a script floods the queue.
    {"name": "public_report", "path": r"^/report/$", "anonymous": "10/h", "user": "30/h"},
    # A credit report (PDF) is issued and recorded per download, and drawing one costs a second of CPU: a person
    # downloads a few, a script would fill the issued-report table and the CPU.
    {"name": "credit_report", "path": r"^/operators/[^/]+/report\.pdf$", "anonymous": "20/h", "user": "120/h"},
    {"name": "public_site", "path": r"^/", "anonymous": "300/m", "user": "600/m"},  # search, credit files
]
RATELIMIT_USE_CACHE = "default"
# A refusal of a logged-in user's request with one of these statuses is an audit row (anonymous ones are not).
AUDIT_REFUSED_STATUSES = frozenset({400, 403, 404, 405, 413, 429})
# django-ratelimit counts in this cache: Redis when REDIS_URL is set (shared by every worker). Without it each process
# counts on its own (LocMemCache): under N workers a client gets up to N times the rate — set REDIS_URL in production.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# End of the request layer ---------------------------------------------------------------------------------------------

# Credit reports (信用报告, foodcredit/creditreport): the timeline printed is the newest this many entries; the report
# says when more exist and where to read them all.
CREDIT_REPORT_MAX_ENTRIES = 500

# Celery: with no broker configured, tasks run eagerly in process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # SECURITY.md F1: an import killed mid-way is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE  # the jobs' crontabs are in the bureau's time
# Scheduled jobs (foodcredit/schedule/jobs.py): Celery beat runs them with Redis; without a broker `make run` starts
# `manage.py schedule_loop`, which runs the same table. A slot older than the grace without a run is shown as late.
SCHEDULE_GRACE_MINUTES = 120

# Keys for personal data (DOMAIN.md §7): HMAC links persons, the ID number itself is stored encrypted.
PERSON_HMAC_KEY = os.environ.get("FOODCREDIT_PERSON_HMAC_KEY", "")
FIELD_ENCRYPTION_KEY = os.environ.get("FOODCREDIT_FIELD_ENCRYPTION_KEY", "")

# Source precedence for records that arrive from several systems (DOMAIN.md §7); higher wins.
SOURCE_PRECEDENCE_DEFAULT = 50

# Disclosure (DOMAIN.md Part I §4, §6; Part II §2). Legal numbers are named settings with a citation.
DISCLOSE_RISK_CLASS = True  # DOMAIN.md Part I §4: shown with meaning and date, never the score
PENALTY_DISCLOSURE_LONG = relativedelta(years=3)  # 总局令第45号 Art. 13(2)
PENALTY_DISCLOSURE_SHORT = relativedelta(months=3)  # 总局令第45号 Art. 13(1): 通报批评 / 较低数额罚款
PENALTY_LOW_FINE_THRESHOLD_LEGAL_PERSON = 100_000  # 较低数额罚款, provincial; Hubei example, DOMAIN.md II §2.2
PENALTY_LOW_FINE_THRESHOLD_NATURAL_PERSON = 10_000
PENALTY_PUBLISH_WITHIN_WORKDAYS = 20  # 总局令第45号 Art. 9-10
XINYONG_CHINA_SERIOUS_PERIOD = relativedelta(years=3)  # NDRC Order 36: 严重 1-3 years
XINYONG_CHINA_GENERAL_PERIOD = relativedelta(years=1)  # NDRC Order 36: 一般 3 months-1 year
INSPECTION_DISCLOSURE_PERIOD = relativedelta(years=3)  # 双随机 results, 国市监信〔2019〕38号 (local choice)
SAMPLING_DISCLOSURE_PERIOD = relativedelta(years=3)  # local choice
LICENCE_DISCLOSURE_AFTER_END = relativedelta(years=0)

CREDIT_FILE_PAGE_SIZE = 50

# Planning ─ 双随机、一公开 (DOMAIN.md Part I §8, Part II.A 8-9, II.5, II.6). Local numbers, overridable.
PLANNING_SAMPLING_RATIOS = {
    "A": 0.03,
    "B": 0.10,
    "C": 0.30,
    "D": 0.60,
}  # DOMAIN.md Part I §8 (local; II.A 8: Daqing bands)
PLANNING_MIN_FREQUENCY_PER_YEAR = {
    "A": 0.5,
    "B": 1.0,
    "C": 2.0,
    "D": 3.0,
}  # DOMAIN.md Part I §8; 总局令第49号 Art. 22 (A: every 2 years)
PLANNING_INSPECTORS_PER_TASK = 2  # 总局令第49号 Art. 23: at least two inspectors per target (DOMAIN.md II.6)
PLANNING_INSPECTOR_CAP = 200  # tasks per inspector per plan; local choice
PLANNING_EXCLUDE_INSPECTED_WITHIN_DAYS = 90  # local choice: no second random visit right after an inspection
PLANNING_OBSERVATION_PERIOD = relativedelta(months=12)  # DOMAIN.md Part I §8; II.6: no national numeric rule
PLANNING_RESULT_PUBLISH_WITHIN_WORKDAYS = 20  # 国市监信〔2019〕38号 [M]; 企业信息公示暂行条例 Art. 6 (DOMAIN.md II.6)
PLANNING_DEFAULT_RISK_CLASS = "B"  # the class of an operator not yet classified by risk (local choice)
PLANNING_TRIGGER_LOOKBACK_DAYS = 30  # a trigger older than this when first seen creates no task; local choice
PLANNING_SOURCE_NAME = "双随机抽查系统"  # the source system that planning results are collected under
PLANNING_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # a task's photo or document; local choice
# End of planning.

# Alerts ─ 监测预警 (issue 14). Working-day deadlines: provisional local defaults, no national rule (DOMAIN.md II.9).
ALERTS_MEASURE_WORKDAYS = 3  # the responsible unit chooses 提醒/警示/约谈/检查 within this
ALERTS_REPLY_WORKDAYS = 10  # the business answers a 警示 within this
ALERTS_INTERVIEW_WORKDAYS = 10  # a 约谈 is held within this (食品安全法 Art. 114: 责任约谈)
ALERTS_INSPECTION_WORKDAYS = 20  # a 检查 ordered by an alert is done within this
ALERTS_PARAMS_FILE = (
    None  # a deployment's own detector parameters (YAML); None: foodcredit/alerts/detectors/params.yaml
)
ALERTS_CHECK_ON_RECORD = True  # new complaints/samples/classes re-check their operators at once (besides the sweep)

# Lists and repair -----------------------------------------------------------------------------------------------------
# Periods and deadlines of the two lists, penalty withdrawal and credit repair (DOMAIN.md II.1-II.3). Several are [M]
# in DOMAIN.md and marked so here: check them against the official texts (DOMAIN.md II.10).
SERIOUS_LIST_PERIOD = relativedelta(years=3)  # 总局令第44号 (DOMAIN.md II §1.4): removed automatically after 3 years
SERIOUS_LIST_EARLY_REMOVAL_AFTER = relativedelta(years=1)  # 国市监信规〔2021〕3号 Art. 7 (DOMAIN.md II §1.5)
# 总局令第44号 (2021): county- and city-level listing decisions need the level above; the Oct-2025 draft drops it.
SERIOUS_LIST_UPPER_APPROVAL_REQUIRED = True
LIST_PUBLISH_WITHIN_WORKDAYS = 20  # 总局令第44号 [M] (DOMAIN.md II §1.3); 企业信息公示暂行条例 Art. 6
ABNORMAL_ESCALATION_AFTER = relativedelta(years=3)  # 企业信息公示暂行条例 Art. 17
ABNORMAL_ESCALATION_NOTICE_BEFORE = relativedelta(days=60)  # 企业经营异常名录管理暂行办法 (工商总局令第68号) [S]
ABNORMAL_ESCALATION_WITHIN_WORKDAYS = 10  # 严重违法失信企业名单管理暂行办法 (2015) Art. 8 [S]
ABNORMAL_REMOVAL_DECIDE_WITHIN_WORKDAYS = 5  # 工商总局令第68号 [S] (DOMAIN.md II §3.3)
PENALTY_WITHDRAW_WITHIN_WORKDAYS = 3  # 总局令第45号 Art. 11: withdrawn within 3 working days of revocation
PENALTY_REPAIR_MIN_DISCLOSURE = relativedelta(months=6)  # 总局令第45号 Art. 14
PENALTY_REPAIR_MIN_DISCLOSURE_FOOD = relativedelta(years=1)  # 总局令第45号 Art. 14: 食品、药品、特种设备
REPAIR_ACCEPT_WITHIN_WORKDAYS = 2  # 国市监信规〔2021〕3号 [M] (DOMAIN.md II §2.6)
REPAIR_DECIDE_WITHIN_WORKDAYS = 15  # 国市监信规〔2021〕3号 [M]
# 国市监信规〔2021〕3号 [M] also gives 3 working days to stop disclosure after approval: here the grant stops it at once.
# Objections to a credit-file record (异议申诉). Provisional: DOMAIN.md gives no period for them; acceptance as the
# issue's provisional 3 working days, the decision by analogy with 企业信息公示暂行条例's 20 working days to check a
# report of false information (DOMAIN.md II §12). Attachments fit the 10 MB form body (REQUEST_BODY_MAX_BYTES).
OBJECTION_ACCEPT_WITHIN_WORKDAYS = 3
OBJECTION_DECIDE_WITHIN_WORKDAYS = 20
OBJECTION_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
OBJECTION_ATTACHMENTS_MAX = 3
INDUSTRY_BAN_AFTER_REVOCATION = relativedelta(years=5)  # 食品安全法 Art. 135: 5 years from the penalty decision
COMMITMENT_FALSE_DISCLOSURE_PERIOD = relativedelta(years=3)  # 国办发〔2019〕35号 closes the loop; the period is local
# End of lists and repair ----------------------------------------------------------------------------------------------

# Credit-risk classification -------------------------------------------------------------------------------------------
# DOMAIN.md II §4 (国市监信发〔2022〕6号), II §5 (食药监食监一〔2016〕115号). Local choices, overridable per deployment.
RISK_CLASS_SHARES = {"A": 0.65, "B": 0.25, "C": 0.08, "D": 0.02}  # DOMAIN.md II §4.1 (Dandong's distribution)
RISK_CUTOFF_MODE = "quantile"  # "quantile": the shares above, over the operators at the training date; "bands"
RISK_SCORE_BANDS = {"A": 30.0, "B": 45.0, "C": 60.0}  # 2016 grading [M]: A ≤30, B ≤45, C ≤60, D >60 (scorecard)
RISK_HORIZON_DAYS = 365  # a serious finding in the next 12 months
RISK_DECAY_DAYS = 365  # age at which a record weighs 1/e in the decayed counts (local choice)
RISK_STRICTNESS_PRIOR_WEIGHT = 30  # inspections of prior weight when shrinking an inspector's nonconform rate
# Extra connections of the feature pass (risk.ledger_pass.pass_connections): None = the server's
# max_parallel_workers_per_gather on a large ledger; 0 behind a transaction-pooling pgbouncer (no shared snapshots).
RISK_PASS_CONNECTIONS = None
RISK_OVERRIDE_MAX_DAYS = 365  # a regulator's class override lasts at most this long (local choice)
RISK_INDICATORS = "v1"  # risk/indicators/<name>.yaml
# End of credit-risk classification ------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
