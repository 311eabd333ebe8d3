# Stancewatch production image: gunicorn serving Django, static files collected at build time.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.13-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
    && groupadd --system app && useradd --system --gid app --home-dir /app app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# collectstatic needs settings that load; these build-time values are never used at run time.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0000 \
    ALLOWED_HOSTS=build python manage.py collectstatic --no-input \
    && chown -R app:app /app

USER app
ENV DEBUG=false PORT=8000
EXPOSE 8000
# No gunicorn access log: the app logs one JSON line per request itself (ops/logs.py).
CMD ["sh", "-c", "gunicorn config.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --forwarded-allow-ips '*'"]
