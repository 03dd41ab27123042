"""E-mail: the messages incidents and SSR forms arrive in, and those sdcli sends back. No CLI imports.

read.py     messages from .eml files, mbox files, Maildir folders and stdin
text.py     the text a person wrote in a message (HTML to text, quotes and signatures cut)
labels.py   questionnaire labels matched in that text, their answers, the message's language
inbox.py    each message's outcome: a ticket (complete or naming what is missing), a duplicate...
compose.py  replies and customer updates, threaded on the customer's message
updates.py  which changes of a ticket queue an update, in the customer's language
smtp.py     sending through the desk's SMTP server; the outbox's sends and retries
"""
