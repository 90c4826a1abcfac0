"""The floor for the web benchmarks: the smallest Flask app on the same gunicorn."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
