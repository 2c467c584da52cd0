FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=nrc.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 DJANGO_ALLOWED_HOSTS=localhost \
    sh -c "python manage.py collectstatic --noinput -v0 && python manage.py compilemessages -v0"
RUN useradd --system --uid 1000 nrc && mkdir -p /app/var && chown -R nrc /app/var
USER nrc
EXPOSE 8000
CMD ["gunicorn", "-c", "ops/gunicorn.conf.py", "nrc.wsgi:application"]
