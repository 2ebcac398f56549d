# Tic-tac-toe with minimax search.
import functools

LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]


def winner(board):
    for a, b, c in LINES:
        if board[a] != " " and board[a] == board[b] == board[c]:
            return board[a]
    return None


@functools.lru_cache(maxsize=None)
def minimax(board, player):
    w = winner(board)
    if w:
        return (1 if w == "X" else -1), None
    if " " not in board:
        return 0, None
    moves = [i for i, c in enumerate(board) if c == " "]
    best = None
    for m in moves:
        nb = board[:m] + player + board[m + 1:]
        score, _ = minimax(nb, "O" if player == "X" else "X")
        if best is None or (player == "X" and score > best[0]) or (player == "O" and score < best[0]):
            best = (score, m)
    return best


def show(board):
    return "\n".join("|".join(board[r * 3:r * 3 + 3]) for r in range(3))


board = "X   O    "
player = "X"
while not winner(board) and " " in board:
    _, move = minimax(board, player)
    board = board[:move] + player + board[move + 1:]
    player = "O" if player == "X" else "X"
print(show(board))
print("result:", winner(board) or "draw", minimax(" " * 9, "X"))
