package demo

import (
	"strconv"
	"strings"
)

// The frames below are those of a Spring Boot 3.3 / Hibernate 6.5 / HikariCP
// 5.1 service on Tomcat 10.1 when a @Transactional controller call cannot get
// a connection. They are data: the trace printer computes the "... N common
// frames omitted" counts from them exactly as Throwable.printStackTrace does.

// springTxFrames open the JPA transaction around the service call.
var springTxFrames = []string{
	"org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)",
	"org.springframework.transaction.support.AbstractPlatformTransactionManager.startTransaction(AbstractPlatformTransactionManager.java:531)",
	"org.springframework.transaction.support.AbstractPlatformTransactionManager.getTransaction(AbstractPlatformTransactionManager.java:405)",
	"org.springframework.transaction.interceptor.TransactionAspectSupport.createTransactionIfNecessary(TransactionAspectSupport.java:610)",
	"org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:373)",
	"org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
	"org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
	"org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:765)",
	"org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:717)",
}

// mvcFrames dispatch from the servlet to the controller method.
var mvcFrames = []string{
	"java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
	"java.base/java.lang.reflect.Method.invoke(Method.java:580)",
	"org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
	"org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
	"org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
	"org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)",
	"org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:831)",
	"org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
	"org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
	"org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
	"org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
}

// servletFramesGet and servletFramesPost differ in the HttpServlet method.
var (
	servletFramesGet = []string{
		"org.springframework.web.servlet.FrameworkServlet.doGet(FrameworkServlet.java:903)",
		"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
		"org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
		"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
	}
	servletFramesPost = []string{
		"org.springframework.web.servlet.FrameworkServlet.doPost(FrameworkServlet.java:914)",
		"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
		"org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
		"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
	}
)

// tomcatFrames are the filter chain, valves and connector below the servlet.
var tomcatFrames = []string{
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:195)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
	"org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
	"org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.springframework.web.filter.ServerHttpObservationFilter.doFilterInternal(ServerHttpObservationFilter.java:109)",
	"org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
	"org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
	"org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
	"org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
	"org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)",
	"org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:483)",
	"org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)",
	"org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
	"org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
	"org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)",
	"org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)",
	"org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
	"org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:896)",
	"org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1744)",
	"org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
	"org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
	"org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
	"org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
	"java.base/java.lang.Thread.run(Thread.java:1583)",
}

// hibernateFrames convert the pool's exception while beginning the
// transaction; the last one is where the cause chain joins the outer trace.
var hibernateFrames = []string{
	"org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:100)",
	"org.hibernate.exception.internal.StandardSQLExceptionConverter.convert(StandardSQLExceptionConverter.java:58)",
	"org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:108)",
	"org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:94)",
	"org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:116)",
	"org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.getPhysicalConnection(LogicalConnectionManagedImpl.java:143)",
	"org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.getConnectionForTransactionManagement(LogicalConnectionManagedImpl.java:273)",
	"org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.begin(LogicalConnectionManagedImpl.java:281)",
	"org.hibernate.resource.transaction.backend.jdbc.internal.JdbcResourceLocalTransactionCoordinatorImpl$TransactionDriverControlImpl.begin(JdbcResourceLocalTransactionCoordinatorImpl.java:232)",
	"org.hibernate.engine.transaction.internal.TransactionImpl.begin(TransactionImpl.java:83)",
	"org.springframework.orm.jpa.vendor.HibernateJpaDialect.beginTransaction(HibernateJpaDialect.java:176)",
	"org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:420)",
}

// hibernateJoinFrame is the index in hibernateFrames after which the root
// cause's frames are the same as its enclosing exception's.
const hibernateJoinFrame = 5

// hikariFrames are where the pool gives up.
var hikariFrames = []string{
	"com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:710)",
	"com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:189)",
	"com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:147)",
	"com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:99)",
	"org.hibernate.engine.jdbc.connections.internal.DatasourceConnectionProviderImpl.getConnection(DatasourceConnectionProviderImpl.java:122)",
	"org.hibernate.internal.NonContextualJdbcConnectionAccess.obtainConnection(NonContextualJdbcConnectionAccess.java:46)",
	"org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:113)",
}

// throwable is one exception of a cause chain: its toString() and its full
// stack, outermost call last.
type throwable struct {
	header string
	frames []string
}

// formatThrowable prints a cause chain like Logback's ThrowableProxyConverter
// (and Throwable.printStackTrace): each cause prints only the frames that
// differ from its enclosing exception's, then "... N common frames omitted".
// The result has no trailing newline.
func formatThrowable(chain []throwable) string {
	var b strings.Builder
	for i, t := range chain {
		if i > 0 {
			b.WriteString("\nCaused by: ")
		}
		b.WriteString(t.header)
		common := 0
		if i > 0 {
			common = commonSuffix(t.frames, chain[i-1].frames)
		}
		for _, f := range t.frames[:len(t.frames)-common] {
			b.WriteString("\n\tat ")
			b.WriteString(f)
		}
		if common > 0 {
			b.WriteString("\n\t... ")
			b.WriteString(strconv.Itoa(common))
			b.WriteString(" common frames omitted")
		}
	}
	return b.String()
}

// commonSuffix counts the frames a and b share at their outer end.
func commonSuffix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// poolTimeoutChain builds the cause chain of a request that timed out
// waiting for a connection: CannotCreateTransactionException, caused by
// Hibernate's JDBCConnectionException, caused by HikariCP's
// SQLTransientConnectionException. controller are the application frames of
// the endpoint (innermost first); post selects the servlet's doPost path.
func poolTimeoutChain(hikariMessage string, controller []string, post bool) []throwable {
	servlet := servletFramesGet
	if post {
		servlet = servletFramesPost
	}
	outer := concatFrames(springTxFrames, controller, mvcFrames, servlet, tomcatFrames)
	jdbc := concatFrames(hibernateFrames, outer[1:])
	root := concatFrames(hikariFrames, jdbc[hibernateJoinFrame:])
	return []throwable{
		{header: "org.springframework.transaction.CannotCreateTransactionException: Could not open JPA EntityManager for transaction", frames: outer},
		{header: "org.hibernate.exception.JDBCConnectionException: Unable to acquire JDBC Connection [" + hikariMessage + "] [n/a]", frames: jdbc},
		{header: "java.sql.SQLTransientConnectionException: " + hikariMessage, frames: root},
	}
}

// concatFrames joins frame lists into a new slice.
func concatFrames(parts ...[]string) []string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]string, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
