# bash completion for pixpool                               -*- shell-script -*-
#
# Completes the commands, the options of run and bench, their values, and
# filter chains after -f: filter names, then keys and enumerated values, after
# a comma too. Options and filters are asked of the pixpool being completed
# (its --help and `pixpool filters`) every time, so they are never out of date
# with the binary; only the values of enumerated options are listed here.
#
# Installed by `make install` where the bash-completion package loads it on
# demand; without that package, source this file from ~/.bashrc. For a pixpool
# that is not in PATH: complete -F _pixpool build/pixpool

# The pixpool being completed: the command as typed, else the one in PATH.
_pixpool_bin()
{
	local cmd=${COMP_WORDS[0]}

	cmd=${cmd/#\~/$HOME}
	if [[ $cmd == */* && -x $cmd ]]; then
		printf '%s\n' "$cmd"
	else
		command -v pixpool
	fi
}

# Fills _pixpool_opts (every option of VERB) and _pixpool_arg (each option's
# value name from the help, DIR, FILE, N, ...; absent when it takes none) from
# the help texts. bench's help names the options it shares with run in
# prose, so run's help always supplies what those options take.
_pixpool_read_options()
{
	local bin=$1 verb=$2 line opt short arg
	local -A long

	_pixpool_opts=()
	_pixpool_arg=()
	while IFS= read -r line; do
		[[ $line =~ ^\ +(-[a-zA-Z0-9],\ +)?(--[a-z0-9][a-z0-9-]*)(\[=[A-Z]+\])?(\ ([A-Z][A-Za-z/]*))? ]] ||
			continue
		opt=${BASH_REMATCH[2]}
		short=${BASH_REMATCH[1]%%,*}
		arg=${BASH_REMATCH[5]}
		[[ -n ${BASH_REMATCH[3]} ]] && arg=OPTIONAL
		[[ -n $arg ]] && _pixpool_arg[$opt]=$arg
		[[ -n $short && -n $arg ]] && _pixpool_arg[$short]=$arg
		[[ -n $short ]] && long[$short]=$opt
		if [[ $verb == run ]]; then
			_pixpool_opts+=("$opt")
			[[ -n $short ]] && _pixpool_opts+=("$short")
		fi
	done < <("$bin" --help 2>/dev/null)
	[[ $verb == bench ]] || return 0
	while IFS= read -r line; do
		[[ $line =~ ^\ +(-[a-zA-Z0-9],\ +)?(--[a-z0-9][a-z0-9-]*)(\ ([A-Z][A-Za-z/]*))? ]] &&
			[[ -n ${BASH_REMATCH[4]} ]] && _pixpool_arg[${BASH_REMATCH[2]}]=${BASH_REMATCH[4]}
		# Options named in the prose, but not those in parentheses
		# ("--timeout is not" taken); a short one shared with run
		# brings its long name.
		while [[ $line =~ ^(.*)\([^\)]*\)(.*)$ ]]; do
			line=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
		done
		for opt in ${line//,/ }; do
			opt=${opt%[.:;]}
			[[ $opt =~ ^--?[a-zA-Z0-9][a-z0-9-]*$ ]] || continue
			_pixpool_opts+=("$opt")
			[[ -n ${long[$opt]} ]] && _pixpool_opts+=("${long[$opt]}")
		done
	done < <("$bin" bench --help 2>/dev/null)
}

# Fills _pixpool_filters (names, in order) and _pixpool_keys[NAME] ("key
# range key range ...") from `pixpool filters`: a filter's line starts in the
# first column, each of its parameters follows, indented, with its range
# (a..b or choice|choice) and default.
_pixpool_read_filters()
{
	local bin=$1 line name key range

	_pixpool_filters=()
	_pixpool_keys=()
	while IFS= read -r line; do
		if [[ $line =~ ^([a-z0-9_-]+)\  ]]; then
			name=${BASH_REMATCH[1]}
			_pixpool_filters+=("$name")
			_pixpool_keys[$name]=
		elif [[ -n $name && $line =~ ^\ +([a-z0-9_-]+)\ +([^ ]+) ]]; then
			key=${BASH_REMATCH[1]}
			range=${BASH_REMATCH[2]}
			_pixpool_keys[$name]+="$key $range "
		fi
	done < <("$bin" filters 2>/dev/null)
}

# _pixpool_key_words FILTER PREFIX WORD: "PREFIXkey=" for each key of FILTER
# that starts with WORD.
_pixpool_key_words()
{
	local -a kv
	local i

	read -ra kv <<<"${_pixpool_keys[$1]}"
	for ((i = 0; i < ${#kv[@]}; i += 2)); do
		[[ ${kv[i]} == "$3"* ]] && COMPREPLY+=("$2${kv[i]}=")
	done
}

# _pixpool_choice_words FILTER KEY PREFIX WORD: "PREFIXchoice" for each value
# of an enumerated key that starts with WORD; nothing for a number.
_pixpool_choice_words()
{
	local -a kv
	local i choice

	read -ra kv <<<"${_pixpool_keys[$1]}"
	for ((i = 0; i < ${#kv[@]}; i += 2)); do
		[[ ${kv[i]} == "$2" && ${kv[i + 1]} == *\|* ]] || continue
		for choice in ${kv[i + 1]//|/ }; do
			[[ $choice == "$4"* ]] && COMPREPLY+=("$3$choice")
		done
	done
}

# A filter chain: grayscale,blur:sigma=2,resize:width=800,height=600. After
# "name:" come that filter's keys; a bare "key=" item after a comma belongs
# to the last filter named before it, so both filters and its keys are offered.
_pixpool_chain()
{
	local bin=$1 cur=$2 prefix="" item last="" name rest part
	local -a _pixpool_filters
	local -A _pixpool_keys

	_pixpool_read_filters "$bin"
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		item=${cur##*,}
	else
		item=$cur
	fi
	local IFS=,
	for part in ${prefix%,}; do
		if [[ $part == *:* ]]; then
			last=${part%%:*}
		elif [[ $part != *=* ]]; then
			last=$part
		fi
	done
	unset IFS
	if [[ $item == *:* ]]; then
		name=${item%%:*}
		rest=${item#*:}
		if [[ $rest == *=* ]]; then
			_pixpool_choice_words "$name" "${rest%%=*}" "$prefix$name:${rest%%=*}=" "${rest#*=}"
		else
			_pixpool_key_words "$name" "$prefix$name:" "$rest"
		fi
	elif [[ $item == *=* ]]; then
		_pixpool_choice_words "$last" "${item%%=*}" "$prefix${item%%=*}=" "${item#*=}"
	else
		for name in "${_pixpool_filters[@]}"; do
			[[ $name == "$item"* ]] && COMPREPLY+=("$prefix$name")
		done
		[[ -n $last ]] && _pixpool_key_words "$last" "$prefix" "$item"
	fi
}

# _pixpool_list PREFIX-WORD WORDS...: WORDS that complete the last item of a
# comma-separated list.
_pixpool_list()
{
	local cur=$1 prefix="" w

	shift
	[[ $cur == *,* ]] && prefix=${cur%,*},
	for w in "$@"; do
		[[ $w == "${cur##*,}"* ]] && COMPREPLY+=("$prefix$w")
	done
}

_pixpool_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
}

# The value of option OPT, CUR typed so far; TEXT is the part of it that
# bash replaces.
_pixpool_value()
{
	local bin=$1 verb=$2 opt=$3 cur=$4 text=$5

	case $opt in
	-f | --filter) _pixpool_chain "$bin" "$cur" ;;
	-e | --engine | -b | --backend)
		if [[ $verb == bench ]]; then
			_pixpool_list "$cur" process openmp serial
		elif [[ $cur != *,* ]]; then
			_pixpool_list "$cur" serial process openmp
		fi
		;;
	--channel | --ipc) _pixpool_list "$cur" pipe shm ;;
	--schedule) _pixpool_list "$cur" dynamic static lpt ;;
	--format) _pixpool_list "$cur" same jpg png bmp tga pnm avif webp tiff tif ;;
	--tiff-compression) _pixpool_list "$cur" none lzw deflate jpeg ;;
	--variant)
		# NAME=CHAIN: the chain after the name completes as -f's does.
		if [[ $cur == *=* ]]; then
			_pixpool_chain "$bin" "${cur#*=}"
			COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		fi
		;;
	--strip) _pixpool_list "$cur" exif xmp icc gps ;;
	--profile)
		_pixpool_files -f "$text"
		[[ srgb == "$cur"* ]] && COMPREPLY+=(srgb)
		;;
	--intent) _pixpool_list "$cur" perceptual relative saturation absolute ;;
	--progress) [[ $verb != bench ]] && _pixpool_list "$cur" json ;;
	--background)
		_pixpool_list "$cur" white black grey gray silver red maroon yellow olive lime \
			green aqua teal blue navy fuchsia purple
		;;
	--shard)
		# k8s/ wants its N next, with no space after the slash.
		_pixpool_list "$cur" slurm k8s/
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
		;;
	--repeat) [[ $verb == bench ]] && _pixpool_list "$cur" auto ;;
	--mem-limit) _pixpool_list "$cur" none ;;
	*)
		case ${_pixpool_arg[$opt]} in
		DIR) _pixpool_files -d "$text" ;;
		FILE | MANIFEST) _pixpool_files -f "$text" ;;
		esac
		;;
	esac
}

_pixpool()
{
	local bin line cur text prev opt verb=run i
	local -a words _pixpool_opts
	local -A _pixpool_arg
	local verbs="run bench filters info report help version"
	local breaks=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'}

	COMPREPLY=()
	bin=$(_pixpool_bin) || return 0
	# Whole words as the shell will pass them: bash splits COMP_WORDS at
	# ':' and '=' too, which would cut "blur:sigma=2" into pieces.
	line=${COMP_LINE-${COMP_WORDS[*]}}
	line=${line:0:${COMP_POINT-${#line}}}
	read -ra words <<<"$line"
	[[ $line =~ [[:space:]]$ || ${#words[@]} == 0 ]] && words+=("")
	cur=${words[${#words[@]} - 1]}
	prev=
	((${#words[@]} > 1)) && prev=${words[${#words[@]} - 2]}
	# What bash replaces: the current word after its last break character.
	text=$cur
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		if [[ $breaks == *"${cur:i:1}"* ]]; then
			text=${cur:i+1}
			break
		fi
	done

	if ((${#words[@]} == 2)) && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
		compopt -o filenames 2>/dev/null
		mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- "$cur")
		return 0
	fi
	[[ " $verbs " == *" ${words[1]} "* ]] && verb=${words[1]}

	case $verb in
	filters | version) return 0 ;;
	help)
		((${#words[@]} == 3)) && mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
		return 0
		;;
	info | report)
		if [[ $cur == -* ]]; then
			[[ $verb == report ]] && opt=--json
			mapfile -t COMPREPLY < <(compgen -W "$opt --help" -- "$cur")
		else
			_pixpool_files -f "$text"
		fi
		return 0
		;;
	esac

	_pixpool_read_options "$bin" "$verb"
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
	elif [[ -n $prev && -n ${_pixpool_arg[$prev]} && ${_pixpool_arg[$prev]} != OPTIONAL ]]; then
		opt=$prev
	elif [[ $cur == -* ]]; then
		local -A seen

		for opt in "${_pixpool_opts[@]}"; do
			[[ $opt == "$cur"* && -z ${seen[$opt]} ]] || continue
			seen[$opt]=1
			COMPREPLY+=("$opt")
			[[ ${_pixpool_arg[$opt]} == OPTIONAL ]] && COMPREPLY+=("$opt=")
		done
		return 0
	else
		_pixpool_files -f "$text"
		return 0
	fi
	_pixpool_value "$bin" "$verb" "$opt" "$cur" "$text"
	[[ $opt == -f || $opt == --filter || $opt == --variant ]] && compopt -o nospace 2>/dev/null
	[[ ${_pixpool_arg[$opt]} == DIR || ${_pixpool_arg[$opt]} == FILE ]] && return 0

	# The candidates complete the whole value, of which bash replaces only
	# what follows the last ':' (or '='): that much is cut from each.
	local cut=$((${#cur} - ${#text}))

	((cut > 0)) && [[ $cur == *"$text" ]] && for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]:cut}
	done
	for i in "${COMPREPLY[@]}"; do
		[[ $i == *[=:,] ]] && compopt -o nospace 2>/dev/null
	done
	return 0
}

complete -F _pixpool pixpool
