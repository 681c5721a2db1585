# The Scrum bot for Bitrix24: slim Python, non-root, data in a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY migrations ./migrations
RUN pip install . && useradd --create-home --uid 10001 scrumbot \
    && mkdir -p /app/data && chown scrumbot:scrumbot /app/data

USER scrumbot
VOLUME ["/app/data"]
# DATABASE_URL defaults to sqlite+aiosqlite:///data/bot.db, i.e. /app/data/bot.db in the volume;
# the generated secret.key lands there too unless BOT_SECRET_KEY is set.
CMD ["python", "-m", "bot"]
