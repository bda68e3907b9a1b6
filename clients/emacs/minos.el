;;; minos.el --- Client for minosd, the Minos daemon  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (jsonrpc "1.0.14"))

;;; Commentary:

;; Talks JSON-RPC 2.0 to minosd over a pipe, with the built-in jsonrpc.el.
;;
;;   (require 'minos)
;;   (minos-start)                             ; runs `minos-program' on `minos-db'
;;   (minos-request "daemon/ping" '(:echo 5))  ; => (:echo 5)
;;   (minos-notify "some/notification" '(:key "value"))
;;   (minos-stop)                              ; shutdown + exit; => 0, the exit status
;;
;; Params and results are plists for JSON objects and vectors for JSON arrays,
;; as in jsonrpc.el.  An error reply signals `minos-error', whose data is
;; (CODE MESSAGE DATA).  `minos-start' returns the connection and makes it the
;; default one; every function also takes a connection as its last argument.
;; `minos-notification-functions' sees the daemon's notifications ($/progress
;; for a request whose params carry :workDoneToken, for instance).
;; M-x minos-start, minos-request and minos-stop work interactively too.

;;; Code:

(require 'jsonrpc)
(require 'subr-x)  ; string-empty-p

(defgroup minos nil
  "Client for minosd, the Minos daemon."
  :group 'tools)

(defcustom minos-program nil
  "The minosd binary; nil means $MINOSD, else minosd on variable `exec-path'."
  :type '(choice (const :tag "$MINOSD or PATH" nil) file))

(defcustom minos-db nil
  "The store minosd opens (its --db).
nil means the daemon's default store; \":memory:\" a throwaway one."
  :type '(choice (const :tag "Daemon's default" nil) string))

(defcustom minos-log-level "warning"
  "The daemon's --log-level; its logs go to the *minos stderr* buffer."
  :type 'string)

(defcustom minos-request-timeout 30
  "Seconds `minos-request' waits for a reply."
  :type 'number)

(defvar minos-notification-functions nil
  "Functions called with (CONNECTION METHOD PARAMS) for each notification.
METHOD is a symbol, such as `$/progress'.")

(defvar minos-connection nil
  "The connection `minos-start' made last, used when none is passed.")

(define-error 'minos-error "minosd error")

(defclass minos-jsonrpc-connection (jsonrpc-process-connection)
  ((server :initform nil :accessor minos-server
           :documentation "The initialize result: serverInfo, capabilities..."))
  :documentation "A connection to one minosd process.")

(defun minos--program ()
  "The minosd binary to run: `minos-program', $MINOSD, or minosd on PATH."
  (let ((program (or minos-program
                     (let ((env (getenv "MINOSD")))
                       (and env (not (string-empty-p env)) env))
                     (executable-find "minosd"))))
    (unless (and program (file-executable-p program))
      (user-error "Cannot find minosd (%s): set `minos-program' or $MINOSD"
                  program))
    program))

(defun minos--params (params)
  "PARAMS for the wire, with nil as {}.
jsonrpc.el sends nil as \"params\":null, which minosd refuses (-32602) in a
request and silently drops in a notification, so `exit' would be lost."
  (or params (make-hash-table)))

(defun minos--method (method)
  "METHOD as jsonrpc.el wants it: a symbol (it drops a string)."
  (if (stringp method) (intern method) method))

(defun minos--connection (conn)
  "CONN, else `minos-connection'."
  (or conn minos-connection (user-error "Minos is not started: M-x minos-start")))

;;;###autoload
(defun minos-start (&optional program db)
  "Start minosd (PROGRAM, default `minos-program') on store DB (or `minos-db').
Send initialize and initialized; return the connection, which also becomes
`minos-connection'."
  (interactive)
  (let* ((db (or db minos-db))
         (command `(,(or program (minos--program))
                    "--log-level" ,minos-log-level
                    ,@(and db (list "--db" db))))
         (conn
          (make-instance
           'minos-jsonrpc-connection
           :name "minos"
           ;; A function, so that it runs once jsonrpc.el has made the
           ;; *minos stderr* buffer it copies into its events buffer.
           :process (lambda ()
                      (make-process
                       :name "minos" :command command :connection-type 'pipe
                       :coding 'utf-8-emacs-unix :noquery t
                       :stderr (get-buffer-create "*minos stderr*")))
           :notification-dispatcher
           (lambda (conn method params)
             (run-hook-with-args 'minos-notification-functions
                                 conn method params))
           :on-shutdown (lambda (conn)
                          (when (eq conn minos-connection)
                            (setq minos-connection nil))))))
    (setf (minos-server conn)
          (minos-request "initialize"
                         `(:processId ,(emacs-pid)
                           :clientInfo (:name "minos.el" :version "0.1.0"))
                         conn))
    (minos-notify "initialized" nil conn)
    (when (called-interactively-p 'interactive)
      (message "Minos: started minosd %s"
               (plist-get (plist-get (minos-server conn) :serverInfo) :version)))
    (setq minos-connection conn)))

;;;###autoload
(defun minos-request (method &optional params conn)
  "Call METHOD (a string) with PARAMS (a plist) on CONN; return the result.
An error reply signals `minos-error' with data (CODE MESSAGE DATA).
Interactively, read METHOD and PARAMS (as JSON) and show the result."
  (interactive
   (list (read-string "Method: ")
         (let ((json (read-string "Params (JSON, may be empty): ")))
           (and (not (string-empty-p json))
                (json-parse-string json :object-type 'plist :null-object nil
                                   :false-object :json-false)))))
  (let ((result
         (condition-case err
             (jsonrpc-request (minos--connection conn) (minos--method method)
                              (minos--params params)
                              :timeout minos-request-timeout)
           ;; jsonrpc.el's error data is an alist whose shape is its own;
           ;; callers get a stable list instead.
           (jsonrpc-error
            (let ((details (cdr err)))
              (signal 'minos-error
                      (list (alist-get 'jsonrpc-error-code details)
                            (alist-get 'jsonrpc-error-message details)
                            (alist-get 'jsonrpc-error-data details))))))))
    (when (called-interactively-p 'interactive)
      (message "%s" (json-serialize result :null-object nil
                                    :false-object :json-false)))
    result))

(defun minos-notify (method &optional params conn)
  "Send notification METHOD with PARAMS (a plist) on CONN."
  (jsonrpc-notify (minos--connection conn) (minos--method method)
                  (minos--params params)))

;;;###autoload
(defun minos-stop (&optional conn)
  "Shut CONN's minosd down (shutdown, then exit) and wait for it.
Return its exit status: 0 after a clean shutdown."
  (interactive)
  (let* ((conn (minos--connection conn))
         (process (jsonrpc--process conn))
         (deadline (+ (float-time) 5)))
    (unwind-protect
        (when (process-live-p process)
          ;; exit follows even if shutdown failed: minosd then exits 1.
          (ignore-error minos-error (minos-request "shutdown" nil conn))
          (minos-notify "exit" nil conn)
          (while (and (process-live-p process) (< (float-time) deadline))
            (accept-process-output process 0.05)))
      (jsonrpc-shutdown conn t))  ; kills minosd if still running; its buffers
    (when (called-interactively-p 'interactive)
      (message "Minos: minosd exited with status %s"
               (process-exit-status process)))
    (process-exit-status process)))

;;; Editor commands

(defun minos--session ()
  "The editor session's connection: `minos-connection', started if it is not running."
  (if (and minos-connection (jsonrpc-running-p minos-connection))
      minos-connection
    (minos-start)))

(defun minos--value (text)
  "TEXT as a JSON value: a number, t or :json-false for booleans, else the string."
  (cond ((string-match-p "\\`-?[0-9]+\\(\\.[0-9]+\\)?\\'" text) (string-to-number text))
        ((equal text "true") t)
        ((equal text "false") :json-false)
        (t text)))

(defun minos-parse-instructions (spec)
  "Parse SPEC, IFEval instructions as `minos-check-region' takes them.
Instructions are separated by \";\", each an id followed by key=value
kwargs (\"\\ \" keeps a space in a value).  Return a vector of plists."
  (let ((instructions
         (delq nil
               (mapcar
                (lambda (part)
                  (let ((words (mapcar (lambda (w) (replace-regexp-in-string "\0" " " w))
                                       (split-string (replace-regexp-in-string "\\\\ " "\0" part) nil t))))
                    (when words
                      (let (kwargs)
                        (dolist (word (cdr words))
                          (unless (string-match "\\`\\([^=]+\\)=\\(.*\\)\\'" word)
                            (user-error "Minos: expected key=value after %s, got %s" (car words) word))
                          (setq kwargs (plist-put kwargs (intern (concat ":" (match-string 1 word)))
                                                  (minos--value (match-string 2 word)))))
                        (if kwargs (list :id (car words) :kwargs kwargs) (list :id (car words)))))))
                (split-string spec ";")))))
    (unless instructions (user-error "Minos: give IFEval instructions (id key=value ...; ...)"))
    (vconcat instructions)))

;;;###autoload
(defun minos-check-region (start end instructions)
  "Check the text from START to END against IFEval INSTRUCTIONS.
INSTRUCTIONS is a string as `minos-parse-instructions' reads it, e.g.
\"change_case:english_lowercase; length_constraints:number_words relation=less\\\\ than num_words=50\".
Show the outcome in the echo area and return the list of outcome plists."
  (interactive "r\nsInstructions: ")
  (let* ((result (minos-request "instructions/check"
                                (list :response (buffer-substring-no-properties start end)
                                      :instructions (minos-parse-instructions instructions)
                                      :mode "strict")
                                (minos--session)))
         (outcomes (append (plist-get (plist-get result :strict) :instructions) nil)))
    (message "Minos: %s"
             (mapconcat (lambda (o)
                          (format "%s %s (%s)" (plist-get o :id)
                                  (if (eq (plist-get o :followed) t) "followed" "NOT followed")
                                  (plist-get o :detail)))
                        outcomes "; "))
    outcomes))

;;;###autoload
(defun minos-verify-region (start end reference)
  "Verify the final answer of the text from START to END against REFERENCE.
Show the verdict in the echo area and return the verdict plist."
  (interactive "r\nsReference answer: ")
  (let ((verdict (minos-request "verify/answer"
                                (list :solution (buffer-substring-no-properties start end) :reference reference)
                                (minos--session))))
    (message "Minos: %s %s %s %s (%s)"
             (if (eq (plist-get verdict :equivalent) t) "equivalent:" "NOT equivalent:")
             (or (plist-get verdict :extracted) "?")
             (if (eq (plist-get verdict :equivalent) t) "=" "≠")
             reference (plist-get verdict :reason))
    verdict))

(provide 'minos)
;;; minos.el ends here
