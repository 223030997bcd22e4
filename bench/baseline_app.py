"""The baseline: a bare FastAPI endpoint that only parses the same JSON with a pydantic body."""

from fastapi import FastAPI
from pydantic import BaseModel


class Author(BaseModel):
    id: str
    handle: str | None = None
    name: str | None = None


class Message(BaseModel):
    message_id: str
    conversation_id: str | None = None
    kind: str = "comment"
    text: str = ""
    author: Author | None = None
    language: str | None = None


app = FastAPI()


@app.post("/webhooks/generic/{connection_id}")
async def receive(connection_id: str, message: Message) -> dict[str, str]:
    return {"status": "accepted", "message_id": message.message_id}
