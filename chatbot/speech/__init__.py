"""Reading a screen aloud, offline, with espeak-ng (a Debian package, not a Python one).

- `speech`: what is said (`Speech`: pieces of words, each in its language) and the SSML that
  espeak-ng reads, so that "Español" on an English screen is said in Spanish.
- `espeak`: the program itself: where it is, the voice for a language, a `Speech` rendered to
  WAV (a file, or bytes for `chatbot serve`, which plays it in the browser tab).
- `speaker`: who says it: `Speaker` plays on this machine's sound device from a thread of its
  own (never on the UI's time; a new `say` stops the last), `BrowserSpeaker` hands the words
  to `chatbot serve`, and `NoSpeaker` stands in when espeak-ng is not installed.

Plain Python: the UI decides what a screen says (`chatbot.widgets.spoken`) and when.
"""
