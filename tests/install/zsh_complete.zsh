# Completes one command line in an interactive zsh on a pseudo-terminal, as a user pressing
# Tab would, and prints what the terminal shows. usage: zsh -f zsh_complete.zsh FPATH_DIR LINE
# (tests/install/zsh_completion_test.py reads the completed line from it).
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; LISTMAX=1000"
zpty -w z "print -r -- RE''ADY"
zpty -r z line '*READY*'
zpty -n -w z "$2"$'\t'
# The completion's redraw comes in bursts: read until 2 s pass without output (at most 15 s).
out=
quiet=0
for (( i = 0; i < 75 && quiet < 10; i++ )); do
  sleep 0.2
  if zpty -r -t z chunk; then
    out+=$chunk
    while zpty -r -t z chunk; do out+=$chunk; done
    quiet=0
  elif [[ -n $out ]]; then
    (( quiet++ ))
  fi
done
print -r -- "$out"
zpty -d z
