"""placeholder"""
def score_roles(path, corpus):
    return {"skipped": "not yet"}
