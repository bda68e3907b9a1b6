;;; minos-test.el --- ERT tests for minos.el against a real minosd  -*- lexical-binding: t; -*-

;; Run from clients/emacs:
;;   MINOSD=/path/to/minosd emacs --batch -l minos.el -l minos-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(add-to-list 'load-path (file-name-directory (or load-file-name buffer-file-name)))
(require 'minos)

(unless (getenv "MINOSD")
  (error "Set MINOSD to the minosd binary"))

(defmacro minos-test-with-connection (var &rest body)
  "Run BODY with VAR bound to a connection to a fresh minosd on a throwaway store."
  (declare (indent 1))
  `(let* ((minos-db ":memory:")
          (,var (minos-start)))
     (unwind-protect (progn ,@body)
       (when (jsonrpc-running-p ,var) (minos-stop ,var)))))

(ert-deftest minos-start-initializes ()
  (minos-test-with-connection conn
    (should (eq conn minos-connection))
    (should (equal (plist-get (plist-get (minos-server conn) :serverInfo) :name) "minosd"))
    (should (member "daemon/ping"
                    (append (plist-get (plist-get (minos-server conn) :capabilities) :methods) nil)))))

(ert-deftest minos-request-returns-result ()
  (minos-test-with-connection conn
    (let ((echo (plist-get (minos-request "daemon/ping"
                                         '(:echo (:text "héllo \"wörld\"" :list [1 2.5 t]))
                                         conn)
                           :echo)))
      (should (equal (plist-get echo :text) "héllo \"wörld\""))
      (should (equal (plist-get echo :list) [1 2.5 t])))
    (should (equal (plist-get (plist-get (minos-request "daemon/status" nil conn) :store) :path)
                   ":memory:"))))

(ert-deftest minos-request-unknown-method ()
  (minos-test-with-connection conn
    (let ((err (should-error (minos-request "no/such/method" nil conn)
                            :type 'minos-error)))
      (should (equal (nth 1 err) -32601))
      (should (string-match-p "no/such/method" (nth 2 err))))))

(ert-deftest minos-request-bad-params ()
  (minos-test-with-connection conn
    (let ((err (should-error (minos-request "daemon/sleep" '(:milliseconds "soon") conn)
                            :type 'minos-error)))
      (should (equal (nth 1 err) -32602))
      (should (equal (nth 3 err) '(:path "params.milliseconds"))))))

(ert-deftest minos-progress-notifications ()
  (minos-test-with-connection conn
    (let* ((kinds nil)
           (minos-notification-functions
            (list (lambda (_conn method params)
                    (when (and (eq method '$/progress) (equal (plist-get params :token) "tok"))
                      (push (plist-get (plist-get params :value) :kind) kinds))))))
      (should (equal (minos-request "daemon/sleep"
                                    '(:milliseconds 40 :steps 2 :workDoneToken "tok")
                                    conn)
                     '(:sleptMilliseconds 40)))
      (should (equal (reverse kinds) '("begin" "report" "report" "end"))))))

(ert-deftest minos-notify-exit-without-shutdown ()
  (minos-test-with-connection conn
    (minos-notify "no/such/notification" '(:x 1) conn)
    (should (equal (minos-request "daemon/ping" '(:echo 1) conn) '(:echo 1)))
    ;; exit before shutdown: minosd exits with status 1, as in LSP.
    (minos-notify "exit" nil conn)
    (let ((process (jsonrpc--process conn)))
      (with-timeout (5 (ert-fail "minosd did not exit"))
        (while (process-live-p process) (accept-process-output process 0.05)))
      (should (equal (process-exit-status process) 1)))))

(ert-deftest minos-stop-exits-0 ()
  (let* ((minos-db ":memory:")
         (conn (minos-start)))
    (should (equal (minos-stop conn) 0))
    (should-not (jsonrpc-running-p conn))
    (should-not minos-connection)))

(ert-deftest minos-binary-lookup-order ()
  (let* ((real (expand-file-name (getenv "MINOSD")))
         (dir (make-temp-file "minos-test" t))
         (process-environment (cons "MINOSD=/nonexistent/minosd" process-environment)))
    (unwind-protect
        (progn
          (let ((minos-program real))
            (should (equal (minos--program) real)))
          (should-error (minos--program) :type 'user-error)
          (setenv "MINOSD" nil)
          (make-symbolic-link real (expand-file-name "minosd" dir))
          (let ((exec-path (list dir)))
            (should (equal (minos--program) (expand-file-name "minosd" dir)))))
      (delete-directory dir t))))

;;; minos-test.el ends here
(ert-deftest minos-parse-instructions-reads-kwargs ()
  (should (equal (minos-parse-instructions "change_case:english_lowercase; length_constraints:number_words relation=less\\ than num_words=50")
                 [(:id "change_case:english_lowercase")
                  (:id "length_constraints:number_words" :kwargs (:relation "less than" :num_words 50))]))
  (should-error (minos-parse-instructions " ; ") :type 'user-error)
  (should-error (minos-parse-instructions "x:y novalue") :type 'user-error))

(ert-deftest minos-check-and-verify-region ()
  (let ((minos-db ":memory:")
        (minos-connection nil))
    (unwind-protect
        (with-temp-buffer
          (insert "all lower case here\nand here too")
          (let ((outcomes (minos-check-region (point-min) (point-max)
                                              "change_case:english_lowercase; change_case:english_capital")))
            (should (= (length outcomes) 2))
            (should (eq (plist-get (nth 0 outcomes) :followed) t))
            (should (eq (plist-get (nth 1 outcomes) :followed) :json-false)))
          (erase-buffer)
          (insert "First, 1 + 1 = 2.\nSo half of it is \\boxed{\\frac{1}{2}}.")
          (should (eq (plist-get (minos-verify-region (point-min) (point-max) "0.5") :equivalent) t))
          (should (eq (plist-get (minos-verify-region (point-min) (point-max) "3") :equivalent) :json-false)))
      (when (and minos-connection (jsonrpc-running-p minos-connection))
        (minos-stop minos-connection)))))

