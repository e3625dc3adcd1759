var w,ct,vn,V,Le,me,ut,_e,pt,ze,Ie,yn,le=Symbol.for("pv"),ge={},ve=[],kn=/^m(i|n|o|s|text|space)$/,Fe=Array.isArray,qe=ve.slice,Q=Object.assign;function Y(t){t&&t.parentNode&&t.remove()}function E(t,e,n){var s,a,l,r={},o=arguments.length;for(l in e)l=="key"?s=e[l]:l=="ref"&&typeof t!="function"?a=e[l]:r[l]=e[l];return o>2&&(r.children=o>3?qe.call(arguments,2):n),oe(t,r,s,a,null)}function oe(t,e,n,s,a){var l={type:t,props:e,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:le,__v:a||++ct,__i:-1,__u:0};return!a&&w.vnode&&w.vnode(l),l}function ye(t){return t.children}function he(t,e){this.props=t,this.context=e,this.__g=0}function J(t,e){if(e==null)return t.__&&J(t.__,t.__i+1);for(var n;e<t.__k.length;e++)if((n=t.__k[e])&&n.__e)return n.__e;return typeof t.type!="function"||t.props.__P?null:J(t)}function xn(t){var e,n=t.__v,s=n.__e,a=[],l=[],r=t.__P;r&&((e=Q({constructor:le},n)).__v=n.__v+1,w.vnode&&w.vnode(e),Ue(r,e,n,t.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||J(n),32&n.__u,l),e.__v=n.__v,e.__.__k[e.__i]=e,mt(a,e,l),n.__=n.__e=null,e.__e!=s&&ft(e))}function ft(t){if((t=t.__)&&t.__c&&!t.props.__P)return t.__e=null,t.__k.some(function(e){return e&&(t.__e=e.__e)}),ft(t)}function it(t){(8&t.__g||(t.__g|=8,V.push(t),me++))&&Le==w.debounceRendering||((Le=w.debounceRendering)||queueMicrotask)($t)}function $t(){try{for(var t,e=1;V.length;)V.length>e&&V.sort(ut),t=V.shift(),e=V.length,8&t.__g&&xn(t)}finally{(me=V.length)&&(Le||queueMicrotask)($t)}}function _t(t,e,n,s,a,l,r,o,i,d,c){var u,f,p,b,y,v,m=s.__k||ve,$=e.length;for(i=wn(n,e,m,i,$),u=0;u<$;u++)(p=n.__k[u])!=null&&(f=~p.__i&&m[p.__i]||ge,p.__i=u,v=Ue(t,p,f,a,l,r,o,i,d,c),b=p.__e,(f.ref!=p.ref||8&f.__u)&&(f.ref&&He(f.ref,null,p,f),p.ref&&c.push(p.ref,p.__c||b,p)),y=y||b,4&p.__u?(i=ht(p,i,t,!f.__v),f.__e&&(f.__e=null)):typeof p.type=="function"&&v!==void 0?i=v:b&&(i=b.nextSibling),p.__u&=-21);return n.__e=y,i}function wn(t,e,n,s,a){var l,r,o,i,d,c,u,f,p,b=n.length,y=b,v=0,m=0,$=t.__k=Array(a);for(l=0;l<a;l++)(r=e[l])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=$[l]=oe(null,r):Fe(r)?r=$[l]=oe(ye,{children:r}):r.constructor===le&&r.__b?r=$[l]=oe(r.type,r.props,r.key,r.ref,r.__v):$[l]=r,i=l+v,r.__=t,r.__b=t.__b+1,o=null,~(d=r.__i=Sn(r,n,i,y))&&(y--,(o=n[d])&&(o.__u|=2)),o&&o.__v?(r.__u|=16,d==i-1?v--:d==i+1?v++:d!=i&&(d>i?v--:v++,m=1)):(~d||(a>b?v--:a<b&&v++),typeof r.type!="function"&&(r.__u|=4))):$[l]=null;if(m){for(c=[],u=[],l=0;l<a;l++)if((r=$[l])&&16&r.__u){for(v=0,f=c.length;v<f;)c[p=v+f>>1]<r.__i?v=p+1:f=p;c[v]=r.__i,u[l]=v+1}for(v=c.length;l--;)u[l]&&(u[l]==v?v--:$[l].__u|=4)}if(y)for(l=0;l<b;l++)!(o=n[l])||2&o.__u||(o.__e==s&&(s=J(o)),Ge(o,o));return s}function ht(t,e,n,s){var a,l,r,o;if(typeof t.type=="function"){if(t.props.__P)return e;if(a=t.__k)for(l=0;l<a.length;l++)a[l]&&(a[l].__=t,e=ht(a[l],e,n,!1));return e}for(e&&!e.parentNode&&(e=J(t))&&!e.parentNode&&(e=null),r=t.__e,o=e;o&&o.nodeType==8;)o=o.nextSibling;for(r!=o&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,e):n.insertBefore(r,e||null)),e=r;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function Sn(t,e,n,s){var a,l=t.key,r=t.type,o=e[n],i=o&&!(2&o.__u);if(o===null&&l==null||i&&l==o.key&&r==o.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((o=e[a])&&!(2&o.__u)&&l==o.key&&r==o.type)return a;for(a=n+1;a<e.length;a++)if((o=e[a])&&!(2&o.__u)&&l==o.key&&r==o.type)return a}return-1}function dt(t,e,n){n==null&&(n=""),e[0]=="-"?t.setProperty(e,n):t[e]=n}function $e(t,e,n,s,a){var l,r;if(e=="style")if(typeof n=="string")t.style.cssText=n;else{if(typeof s=="string"&&(t.style.cssText=s=""),s)for(e in s)n&&e in n||dt(t.style,e);if(n)for(e in n)s&&n[e]==s[e]||dt(t.style,e,n[e])}else if(e[0]=="o"&&e[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(t.__e||(t.__e={}))[e]=n,n&&s||(r=Ie[e]||(Ie[e]=Cn(e)),(t.__a||(t.__a={}))[e]=ze,l=e!=(e=e.replace(pt,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),n?t.addEventListener(e,r,l):t.removeEventListener(e,r,l));else{if(a=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in t)try{return void(t[e]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&e[4]!="-"?t.removeAttribute(e):t.setAttribute(e,e=="popover"&&n==1?"":n)}}function Cn(t){return function(e){var n=this.__e;if(n){if(n=n[t],e[_e]==null)e[_e]=ze++;else if(e[_e]<this.__a[t])return;return n(w.event?w.event(e):e)}}}function Ue(t,e,n,s,a,l,r,o,i,d){var c,u,f,p,b,y,v,m,$,_,g,D,L,T,q,fe,K,X,W=e.type;if(e.constructor!==le)return null;128&n.__u&&(i=32&n.__u,c=n.__c.__z)&&(e.__u|=i,u=l=[],c.nodeType==8?o=be(c,l):l.push(c),o=l[0]||o),(c=w.__b)&&c(e);e:if(typeof W=="function"){f=r.length;try{if(m=e.props,$=(c=W.prototype)&&c.render,_=(c=W.contextType)&&s[c.__c],g=c?_?_.props.value:c.__:s,(p=n.__c)?(e.__c=p,2&p.__g&&(p.__g|=1)):($?e.__c=p=new W(m,g):(e.__c=p=new he(m,g),p.constructor=W,p.render=Tn),_&&_.sub(p),p.state||(p.state={}),p.__n=s,p.__g|=8,p.__h=[],p.__k=[]),$&&(p.__s||(p.__s=p.state),W.getDerivedStateFromProps&&(p.__s==p.state&&(p.__s=Q({},p.__s)),Q(p.__s,W.getDerivedStateFromProps(m,p.__s)))),b=p.props,y=p.state,p.__v=e,n.__c){if(m!==b&&$&&!W.getDerivedStateFromProps&&p.componentWillReceiveProps&&p.componentWillReceiveProps(m,g),e.__v==n.__v&&!(8&p.__g)||!(4&p.__g)&&p.shouldComponentUpdate&&p.shouldComponentUpdate(m,p.__s,g)===!1){e.__v!=n.__v&&(p.props=m,p.state=p.__s,p.__g&=-9),e.__e=n.__e,e.__k=n.__k,e.__k.some(function(U){U&&(U.__=e)}),ve.push.apply(p.__h,p.__k),p.__k=[],p.__h.length&&r.push(p),o=J(n);break e}p.componentWillUpdate&&p.componentWillUpdate(m,p.__s,g),$&&p.componentDidUpdate&&p.__h.push(function(){p.componentDidUpdate(b,y,v)})}else $&&!W.getDerivedStateFromProps&&p.componentWillMount&&p.componentWillMount(),$&&p.componentDidMount&&p.__h.push(p.componentDidMount);p.context=g,p.props=m,p.__P=t,p.__g&=-5,D=w.__r,L=$?25:0;do p.__g&=-9,D&&D(e),c=p.render(p.props,p.state=p.__s,p.context);while(8&p.__g&&++L<25);$&&(ve.push.apply(p.__h,p.__k),p.__k=[]),p.state=p.__s,p.getChildContext&&(s=Q({},s,p.getChildContext())),$&&n.__c&&p.getSnapshotBeforeUpdate&&(v=p.getSnapshotBeforeUpdate(b,y)),T=c&&c.type===ye&&c.key==null?c.props.children:c,m.__P&&(c=o,a=(t=m.__P).namespaceURI,i=l=null,n.props&&n.props.__P!=t&&(n.__k.some(function(U){U&&Ge(U,U)}),n.__k=null),o=n.__k?J(n,0):null),o=_t(t,Fe(T)?T:[T],e,n,s,a,l,r,o,i,d),m.__P&&(e.__e=null,o=c),e.__u&=-161,u&&u.some(Y),p.__h.length&&r.push(p),1&p.__g&&(p.__g&=-4)}catch(U){if(r.length=f,e.__v=null,i||l)if(U&&U.then){if(e.__u|=128|i,l){for(~(K=l.indexOf(o||void 0))||(K=l.length);(X=l[K-1])&&X.nodeType==8;)K--;for(;K<l.length;K++)if(X=l[K])if(l[K]=null,q){if(X==fe)break}else{if(X.nodeType!=8)break;X.data.startsWith("$s")&&(fe=be(q=X))}}if(!q){for(;o&&o.nodeType==8&&o.nextSibling;)o=o.nextSibling;q=o}(c=be(q=e.__c.__z||(e.__c.__z=q)))?(e.__e=q,o=c):e.__e=o,o=o&&o.nextSibling}else l&&l.some(Y);else e.__e=n.__e;e.__k||(e.__k=n.__k||[]),U&&U.then||bt(e),w.__e(U,e,n)}}else o=e.__e=An(n.__e,e,n,s,a,l,r,i,d,t);return(c=w.diffed)&&c(e),o}function be(t,e){if(t&&t.nodeType==8&&t.data.startsWith("$s"))for(var n=1;t=t.nextSibling;){if(t.nodeType==8){if(t.data.startsWith("$s"))n++;else if(t.data.startsWith("/$s")&&!--n)return t}e&&e.push(t)}}function bt(t){t&&(t.__c&&(t.__c.__g|=4),t.__k&&t.__k.some(bt))}function mt(t,e,n){for(var s=0;s<n.length;)He(n[s++],n[s++],n[s++]);w.__c&&w.__c(e,t),t.some(function(a){try{t=a.__h,a.__h=[],t.some(function(l){l.call(a)})}catch(l){w.__e(l,a.__v)}})}function An(t,e,n,s,a,l,r,o,i,d){var c,u,f,p,b,y,v,m,$=n.props||ge,_=e.props,g=e.type;if(g=="svg"?a="http://www.w3.org/2000/svg":g=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),l){for(c=0;c<l.length;c++)if((b=l[c])&&(g?b.localName==g:b.nodeType==3)){t=b,l[c]=null;break}}if(!t){if(m=d.ownerDocument||document,!g)return m.createTextNode(_);t=m.createElementNS(a,g,_.is?_:d),o&&(w.__m&&w.__m(e,l),o=!1),l=null}if(g){if(d=g=="template"&&t.content||t,l=g=="textarea"&&_.defaultValue!=null?null:l&&qe.call(d.childNodes),!o&&l)for($={},c=0;c<t.attributes.length;c++)$[(b=t.attributes[c]).name]=b.value;for(c in $)b=$[c],c=="dangerouslySetInnerHTML"?f=b:c=="children"||c in _||c=="value"&&"defaultValue"in _||c=="checked"&&"defaultChecked"in _||$e(t,c,null,b,a);for(c in _)b=_[c],c=="children"?p=b:c=="dangerouslySetInnerHTML"?u=b:c=="value"?y=b:c=="checked"?v=b:o&&typeof b!="function"||$[c]===b||$e(t,c,b,$[c],a);u?(o||f&&(u.__html==f.__html||u.__html==t.innerHTML)||(t.innerHTML=u.__html),e.__k=[]):(f&&(t.textContent=""),(g=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&kn.test(g))&&(a="http://www.w3.org/1999/xhtml"),_t(d,Fe(p)?p:[p],e,n,s,a,l,r,l?l[0]:n.__k&&J(n,0),o,i),l&&l.some(Y)),o&&g!="textarea"||(c="value",g=="progress"&&y==null?t.removeAttribute(c):y==null||y===t[c]&&(g!="progress"||y)||$e(t,c,y,$[c],a),c="checked",v!=null&&v!=t[c]&&$e(t,c,v,$[c],a))}else $===_||o&&t.data==_||(t.data=_);return t}function He(t,e,n,s){try{typeof t=="function"?e?e.__x=t(e)||1:s&&(s=s.__c||s.__e)&&(e=s.__x)&&(s.__x=null,typeof e=="function"?e():t(null)):t.current=e}catch(a){w.__e(a,n)}}function Ge(t,e,n){var s,a,l,r;if(w.unmount&&w.unmount(t),!(s=t.ref)||s.current&&s.current!=t.__e||He(s,null,e,t),s=t.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(o){w.__e(o,e)}s.__P=s.__n=null}if(s=t.__k)for(r=0;r<s.length;r++)s[r]&&Ge(s[r],e,typeof t.type!="function"||n&&!t.props.__P);!n&&(s=t.__c)&&(s=s.__z)&&(a=be(s,l=[]))&&(s==t.__e&&l.some(Y),Y(a),Y(s)),n||Y(t.__e),t.__e=t.__c=t.__=null}function Tn(t,e,n){return this.constructor(t,n)}function We(t,e){var n,s,a,l;w.__&&w.__(t,e),e.nodeType==9&&(e=e.documentElement),s=(n=t&&32&t.__u)?null:e.__k,e.__k=oe(ye,{children:[t]}),a=[],l=[],Ue(e,e.__k,s||ge,ge,e.namespaceURI,s?null:e.firstChild?qe.call(e.childNodes):null,a,s?s.__e:e.firstChild,n,l),mt(a,e.__k,l),e.__k.props.children=null}w={__e:function(t,e,n,s){for(var a,l,r;e=e.__;)if((a=e.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(l=a.constructor)&&l.getDerivedStateFromError)&&a.setState(l.getDerivedStateFromError(t)),a.componentDidCatch&&(a.componentDidCatch(t,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(o){t=o}}throw me=0,t}},ct=0,vn=function(t){return t!=null&&t.constructor===le},he.prototype.setState=function(t,e){var n=this.__s;n&&n!=this.state||(n=this.__s=Q({},this.state)),typeof t=="function"&&(t=t(Q({},n),this.props)),t&&(Q(n,t),this.__v&&(e&&this.__k.push(e),it(this)))},he.prototype.forceUpdate=function(t){this.__v&&(this.__g|=4,t&&this.__h.push(t),it(this))},he.prototype.render=ye,V=[],me=0,ut=function(t,e){return t.__v.__b-e.__v.__b},_e=Symbol(),pt=/(PointerCapture)$|Capture$/i,ze=0,Ie={},yn=0;var ee,O,Ke,gt,Ve=Object.is,ke=0,Tt=[],Je=[],M=w,vt=M.__b,yt=M.__r,kt=M.diffed,xt=M.__c,wt=M.unmount,St=M.__;function xe(t,e){M.__h&&M.__h(O,t,ke||e),ke=0;var n=O.__H||(O.__H={__:[],__h:[]});return t>=n.__.length&&n.__.push({}),n.__[t]}function C(t){return ke=1,Mn(Mt,t)}function Mn(t,e,n){var s=xe(ee++,2);if(s.t=t,!s.__c&&(s.__=[n?n(e):Mt(void 0,e),function(l){var r=(s.__N||s.__)[0],o=s.t(r,l);Ve(r,o)||(s.__N=[o,s.__[1]],s.__c.setState({}))}],s.__c=O,!O.__f)){O.__f=!0;var a=O.shouldComponentUpdate;O.shouldComponentUpdate=function(l,r,o){var i=this.__H;if(!i)return!0;var d=!1,c=this.props!=l;if(i.__.some(function(f){f.__N&&(d=!0,Ve(f.__[0],f.__N[0])||(c=!0))}),a){var u=a.call(this,l,r,o);return d?u||c:u}return!d||c}}return s.__}function R(t,e){var n=xe(ee++,3);!M.__s&&Ye(n.__H,e)&&(n.__P=!0,n.__=t,n.u=e,O.__H.__h.push(n))}function te(t,e){var n=xe(ee++,4);!M.__s&&Ye(n.__H,e)&&(n.__P=!1,n.__=t,n.u=e,O.__h.push(n))}function I(t){return ke=5,A(function(){return{current:t}},[])}function A(t,e){var n=xe(ee++,7);return Ye(n.__H,e)&&(n.__=t(),n.__H=e),n.__}function Pn(){var t;do{for(;t=Je.shift();)try{re(t)}catch(n){M.__e(n,{__:(t=t.__P)&&t.__v})}for(;t=Tt.shift();){var e=t.__H;if(t.__P&&e)try{e.__h.some(re),e.__h.some(Xe),e.__h=[]}catch(n){e.__h=[],M.__e(n,t.__v)}}}while(Je.length)}M.__b=function(t){O=null,vt&&vt(t)},M.__=function(t,e){t&&e.__k&&e.__k.__m&&(t.__m=e.__k.__m),St&&St(t,e)},M.__r=function(t){yt&&yt(t),ee=0;var e=(O=t.__c).__H;e&&(Ke==O?O.__h=[]:(e.__h.some(re),e.__h.some(Xe),ee=0),e.__h=[],e.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Ke=O},M.diffed=function(t){kt&&kt(t);var e=t.__c;e&&e.__H&&(e.__H.__h.length&&At(Tt.push(e)),e.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Ke=O=null},M.__c=function(t,e){e.some(function(n){try{n.__h.some(re),n.__h=n.__h.filter(function(s){return!s.__||Xe(s)})}catch(s){n.__h=[function(){throw s}]}}),xt&&xt(t,e)},M.unmount=function(t){wt&&wt(t);var e,n,s=t.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=t.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,At(Je.push(a))}else re(a)}catch(l){e=l}}),s.__H=void 0,e&&M.__e(e,s.__v))};var Ct=typeof requestAnimationFrame=="function";function En(t){var e,n=function(){clearTimeout(s),Ct&&cancelAnimationFrame(e),setTimeout(t)},s=setTimeout(n,35);Ct&&(e=requestAnimationFrame(n))}function At(t){t!=1&&gt==M.requestAnimationFrame||((gt=M.requestAnimationFrame)||En)(Pn)}function re(t){var e=O,n=t.__c;typeof n=="function"&&(t.__c=void 0,n()),O=e}function Xe(t){var e=O;t.__c=t.__(),O=e}function Ye(t,e){return!t||t.length!=e.length||e.some(function(n,s){return!Ve(n,t[s])})}function Mt(t,e){return typeof e=="function"?e(t):e}var Et=function(t,e,n,s){var a;e[0]=0;for(var l=1;l<e.length;l++){var r=e[l++],o=e[l]?(e[0]|=r?1:2,n[e[l++]]):e[++l];r===3?s[0]=o:r===4?s[1]=Object.assign(s[1]||{},o):r===5?(s[1]=s[1]||{})[e[++l]]=o:r===6?s[1][e[++l]]+=o+"":r?(a=t.apply(o,Et(t,o,n,["",null])),s.push(a),o[0]?e[0]|=2:(e[l-2]=0,e[l]=a)):s.push(o)}return s},Pt=new Map;function j(t){var e=Pt.get(this);return e||(e=new Map,Pt.set(this,e)),(e=Et(this,e.get(t)||(e.set(t,e=(function(n){for(var s,a,l=1,r="",o="",i=[0],d=function(f){l===1&&(f||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,f,r):l===3&&(f||r)?(i.push(3,f,r),l=2):l===2&&r==="..."&&f?i.push(4,f,0):l===2&&r&&!f?i.push(5,0,!0,r):l>=5&&((r||!f&&l===5)&&(i.push(l,0,r,a),l=6),f&&(i.push(l,f,0,a),l=6)),r=""},c=0;c<n.length;c++){c&&(l===1&&d(),d(c));for(var u=0;u<n[c].length;u++)s=n[c][u],l===1?s==="<"?(d(),i=[i],l=3):r+=s:l===4?r==="--"&&s===">"?(l=1,r=""):r=s+r[0]:o?s===o?o="":r+=s:s==='"'||s==="'"?o=s:s===">"?(d(),l=1):l&&(s==="="?(l=5,a=r,r=""):s==="/"&&(l<5||n[c][u+1]===">")?(d(),l===3&&(i=i[0]),l=i,(i=i[0]).push(2,0,l),l=0):s===" "||s==="	"||s===`
`||s==="\r"?(d(),l=2):r+=s),l===3&&r==="!--"&&(l=4,i=i[0])}return d(),i})(t)),e),arguments,[])).length>1?e:e[0]}var we=Symbol.for("dspyer-lab.viz"),Se=Symbol.for("dspyer-lab.viz.pending"),Qe=3e3;function On(t){let e=URL.createObjectURL(new Blob([t],{type:"text/javascript"}));return import(e).finally(()=>URL.revokeObjectURL(e))}function jn(){let t={askedAt:-1/0,asked:new WeakSet,settled:!1};return t.promise=new Promise((e,n)=>{t.resolve=e,t.reject=n}),t.promise.then(()=>{t.settled=!0},()=>{t.settled=!0,globalThis[we]===t.promise&&(delete globalThis[we],delete globalThis[Se])}),globalThis[we]=t.promise,globalThis[Se]=t,t}function Nn(t,e){e.asked.add(t),e.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(t.off("msg:custom",n),e.settled))return;let l=a&&a[0];if(!l){e.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}On(l).then(r=>r.instance()).then(e.resolve,e.reject)}t.on("msg:custom",n);try{t.send({type:"need-runtime"})}catch{}}function Ot(){let t=globalThis[Se];return!t||!t.settled}function Ze(t){let e=globalThis[Se];return(!globalThis[we]||!e)&&(e=jn()),!e.settled&&!e.asked.has(t)&&Date.now()-e.askedAt>Qe&&Nn(t,e),e.promise}var Bn="http://www.w3.org/2000/svg",Dn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],Rn=["font-family","font-size","font-weight","font-style"],Ln=["tabindex","role","aria-label","data-selected","style","class"];function In(t,e){let n=t.ownerDocument&&t.ownerDocument.defaultView;if(!n||!t.isConnected)return;let s=[t,...t.querySelectorAll("*")],a=[e,...e.querySelectorAll("*")];for(let l=0;l<s.length&&l<a.length;l++){let r=s[l],o=a[l],i=n.getComputedStyle(r),d=i.display==="none"||i.visibility==="hidden";for(let f of Ln)o.removeAttribute(f);if(d){o.setAttribute("display","none");continue}let c=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(c))for(let f of Dn)o.setAttribute(f,i.getPropertyValue(f));if(c==="text")for(let f of Rn)o.setAttribute(f,i.getPropertyValue(f))}}function zn(t){let e=t.cloneNode(!0);In(t,e),e.setAttribute("xmlns",Bn);let n=t.closest&&t.closest(".dspyer-graphview"),s=t.ownerDocument&&t.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),l=e.querySelector("g.graph > polygon");a&&l&&l.setAttribute("fill",a)}return new XMLSerializer().serializeToString(e)}var jt=new WeakMap,Fn=60;function Ce(t,e,n=0){if(!e)return;if(!e.isConnected){n<Fn&&requestAnimationFrame(()=>Ce(t,e,n+1));return}let s=zn(e);jt.get(t)!==s&&(jt.set(t,s),t.send({type:"snapshot",svg:s}))}function Ae(t,e,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let o=/^change:(.*)$/.exec(r);return o?`change:${n[o[1]]??o[1]}`:r},l=(r,o)=>r!=="msg:custom"?o:(s.has(o)||s.set(o,(i,d)=>{i&&(i.to===e||i.type==="runtime")&&o(i,d)}),s.get(o));return{get:r=>r==="_still"?"":t.get(n[r]??r),on:(r,o)=>t.on(a(r),l(r,o)),off:(r,o)=>t.off(a(r),l(r,o)),send:(r,...o)=>t.send(r&&r.type==="need-runtime"?r:{...r,to:e},...o)}}var z=j.bind(E),Nt={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},qn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",finished:"finished"},Un={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function Hn({model:t,panel:e}){let n=e.progress||{},s=e.stop||{},a=n.total||0,l=o=>`${a?100*o/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return z`<div class="dl-toolbar dl-batch-progress"><div class="dl-toolbar-line">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>t.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:l(r)}}></span>
      <span class="dl-bar-failed" style=${{width:l((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,e.store].filter(Boolean).join(`
`)}
      data-stored=${e.store||void 0}>${n.text||""}</span>
    ${e.where?z`<span class="dl-where" title="where the batch's runs execute">${e.where}</span>`:null}
  </div></div>`}function Gn({measure:t,label:e}){return z`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${e}: ${Un[t]||""}</span>
    ${[0,1,2,3,4,5].map(n=>z`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function Wn({panel:t,measure:e}){let n=t.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return z`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(l=>z`<th data-measure=${l}
      data-chosen=${l===e?"true":void 0}>${a[l]}</th>`)}</tr></thead>
    <tbody>${n.map(l=>z`<tr data-node=${l.node}><th scope="row">${l.node}</th>
      ${s.map(r=>z`<td data-measure=${r} data-chosen=${r===e?"true":void 0}>${l[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Kn(t,e){return String(e==="index"?t.index:t[e]??"")}function Vn({model:t,panel:e}){let n=e.examples;if(!n)return null;let s=n.query||{},a=o=>t.send({type:"table",...o}),l=o=>a({sort:o,descending:s.sort===o?!s.descending:!1}),r=o=>o.kept&&t.send({type:"open",index:o.index});return z`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${o=>a({filter:o.currentTarget.value})}>
          ${(n.filters||[]).map(o=>z`<option value=${o}>${qn[o]||o}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(o=>z`<th data-col=${o}
        aria-sort=${s.sort===o?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${Nt[o]||o}`} onClick=${()=>l(o)}>
          ${Nt[o]||o}${s.sort===o?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>z`<tr class="dl-example" data-index=${o.index} data-status=${o.status}
        data-kept=${o.kept?"true":"false"} data-open=${o.open?"true":void 0}
        tabindex=${o.kept?"0":void 0} role=${o.kept?"button":void 0}
        title=${o.kept?`open example ${o.index}${o.error?`: ${o.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(o)} onKeyDown=${i=>i.key==="Enter"&&r(o)}>
        ${n.columns.map(i=>z`<td data-col=${i}>${Kn(o,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Jn({model:t,panel:e,Lab:n,example:s}){return e.opened===null||e.opened===void 0||!t.get("_open_panel")?null:z`<div class="dl-opened" data-index=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${e.opened}</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function Bt({model:t,views:e,useTrait:n}){let{GraphPane:s,Lab:a}=e,l=n(t,"_layout")||{},r=n(t,"_picture")||{},o=n(t,"_panel")||"{}";n(t,"_open_panel");let i=A(()=>JSON.parse(o),[o]),d=A(()=>Ae(t,"example"),[t]),c=i.measures||[],[u,f]=C("failure_rate"),p=(c.find(y=>y.id===u)||{}).label||u,b=A(()=>({...r,heat:{...r.heat||{},measure:u}}),[r,u]);return z`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${u}>
    <${Hn} model=${t} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${u} onChange=${y=>f(y.currentTarget.value)}>
            ${c.map(y=>z`<option value=${y.id}>${y.label}</option>`)}
          </select></label>
        <${s} model=${t} layout=${l} picture=${b}
          legend=${z`<${Gn} measure=${u} label=${p} />`} />
        <${Wn} panel=${i} measure=${u} />
      </div>
      <div class="dl-side"><${Vn} model=${t} panel=${i} /></div>
    </div>
    <${Jn} model=${t} panel=${i} Lab=${a} example=${d} />
  </div>`}var k=j.bind(E),Te={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},Xn={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},Yn=["fixed","broken","same","changed"];function Dt(t,e){let n=t.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function ie(t,e,n){n==null?t.hasAttribute(e)&&t.removeAttribute(e):t.getAttribute(e)!==String(n)&&t.setAttribute(e,String(n))}function Rt(t,e,n){if(!t)return;let s=e&&e.nodes?e:null,a=e&&e.heat||null;for(let r of t.querySelectorAll("g.node[data-node]")){let o=r.getAttribute("data-node");if(s){let i=s.nodes[o]||"none";ie(r,"data-diff",i),ie(r,"data-diverge",s.diverge===o?"true":null),Dt(r,`${o}: ${Te[i]||i}${s.diverge===o?" (the paths part here)":""}`)}else if(a){let i=a[o],d=i&&i.levels&&i.levels[n]||0;ie(r,"data-delta",d>0?"worse":d<0?"better":"none"),ie(r,"data-delta-level",Math.abs(d)),Dt(r,i?i.title:`${o}: not run`)}}let l=s&&s.edges||{};for(let r of t.querySelectorAll("g.edge[data-edge]"))ie(r,"data-side",s&&l[r.getAttribute("data-edge")]||null)}function It({model:t,GraphPane:e,layout:n,picture:s,measure:a,legend:l}){let r=I(null),o=s.compare;return R(()=>{let i=r.current;Rt(i,o,a);let d=new MutationObserver(()=>Rt(i,o,a));return d.observe(i,{childList:!0,subtree:!0}),()=>d.disconnect()},[o,a]),k`<div class="dl-compare-graph" ref=${r}>
    <${e} model=${t} layout=${n} picture=${s} legend=${l} />
  </div>`}function Pe({ops:t,keep:e}){return t.filter(([n])=>n==="="||n===e).map(([n,s])=>n==="="?s:n==="-"?k`<del class="dl-del">${s}</del>`:k`<ins class="dl-ins">${s}</ins>`)}function Me({row:t,side:e}){let n=e==="a"?"dl-a":"dl-b";return t.changed&&t.diff&&t.diff.length?k`<td class=${n}><pre class="dl-value"><${Pe} ops=${t.diff} keep=${e==="a"?"-":"+"} /></pre></td>`:k`<td class=${n}><pre class="dl-value">${t[e]}</pre></td>`}function Lt(t){if(!t)return"not run";let e=[t.status,t.duration,`${t.attempts??0} attempt(s)`,`${t.tokens} tokens`];return t.calls&&e.push(`${t.calls} call(s)${t.models.length?` (${t.models.join(", ")})`:""}`),e.filter(Boolean).join(" · ")}function Qn({detail:t}){return t?k`<div class="dl-detail" data-node=${t.node} data-diff=${t.diff}>
    <div class="dl-title">${t.node}: ${Te[t.diff]||t.diff}
      ${t.changed.length?` (${t.changed.join(", ")})`:""}</div>
    ${t.visits.map(e=>k`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${e.visit}>
      <thead><tr><th>visit ${e.visit}</th><th class="dl-a">A: ${Lt(e.a)}</th>
        <th class="dl-b">B: ${Lt(e.b)}</th></tr></thead>
      <tbody>${e.fields.map(n=>k`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${Me} row=${n} side="a" /><${Me} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${t.more&&k`<p class="dl-hint dl-more">${t.more}</p>`}
  </div>`:k`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function Zn({model:t,data:e,send:n,GraphPane:s}){let a=e.summary||{},l=e.path&&e.path.diverge,r=k`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(o=>k`<span class="dl-key" data-diff=${o}>
      <span class="dl-swatch"></span>${Te[o]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return k`<div class="dl-body">
    <div class="dl-main">
      <${It} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${l?"true":"false"}>${l?`The paths part at step ${l.step+1}${l.after?`, after ${l.after}`:""}: A → ${l.a||"end"}, B → ${l.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(e.nodes||[]).map(o=>k`<button class="dl-node" data-node=${o.node}
        data-diff=${o.diff} aria-pressed=${e.selected===o.node?"true":"false"}
        onClick=${()=>n({type:"select",node:e.selected===o.node?"":o.node})}>
        ${o.node}: ${Te[o.diff]||o.diff}${o.changed.length?` (${o.changed.join(", ")})`:""}</button>`)}
      </div>
      <${Qn} detail=${e.detail} />
    </div>
  </div>`}function es({examples:t,send:e}){let n=a=>e({type:"table",...a}),s=a=>a.openable&&e({type:"open",index:a.index});return k`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${t.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${t.filters.map(a=>k`<option value=${a}>${Xn[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(t.page>0)} onClick=${()=>n({page:t.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(t.page+1<t.pages)}
        onClick=${()=>n({page:t.page+1})}>next ▶</button>
      <span class="dl-position">${t.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${t.rows.map(a=>k`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${l=>l.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function ts({model:t,data:e,send:n,GraphPane:s}){let a=e.measures||[],[l,r]=C("failure_rate"),o=(a.find(u=>u.id===l)||{}).label||l,i=k`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${o}:</span>
    ${[-5,-3,-1,0,1,3,5].map(u=>k`<span class="dl-key" data-delta=${u>0?"worse":u<0?"better":"none"}
      data-delta-level=${Math.abs(u)}><span class="dl-swatch"></span>${u===-5?"better":u===0?"same":u===5?"worse":""}</span>`)}
  </div>`,d=e.counts||{},c=e.score||{};return k`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${Yn.map(u=>k`<button class="dl-outcome-count" data-outcome=${u}
        ...${{[`data-outcome-count-${u}`]:String(d[u]??0)}}
        onClick=${()=>n({type:"table",filter:u})}>${u} ${String(d[u]??0)}</button>`)}</div>
      <p class="dl-score">${c.measure} B − A: <span class="dl-score-delta">${c.text}</span>${" "}
        <span class="dl-hint">(A ${c.mean_a}, B ${c.mean_b}; passes: finished${c.measure==="score"?` and score ≥ ${e.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${l} onChange=${u=>r(u.currentTarget.value)}>
          ${a.map(u=>k`<option value=${u.id}>${u.label}</option>`)}
        </select></label>
      <${It} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} measure=${l} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(u=>k`<th data-measure=${u.id}>${u.label} A → B</th>`)}</tr></thead>
        <tbody>${(e.nodes||[]).map(u=>k`<tr data-node=${u.node}><th scope="row">${u.node}</th>
          ${a.map(f=>k`<td data-measure=${f.id}>${u.a[f.id]} → ${u.b[f.id]} (${u.delta[f.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${e.examples&&k`<${es} examples=${e.examples} send=${n} />`}</div>
  </div>`}function ns(t,e){return{get:n=>n==="_still"?"":t.get(n),on:(...n)=>t.on(...n),off:(...n)=>t.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?t.send(n,...s):n&&n.type!=="snapshot"&&e(n)}}}function de({model:t,data:e,send:n,views:s,embedded:a=!0}){let{GraphPane:l}=s,r=A(()=>a?ns(t,n):t,[t,n,a]);if(!e||!e.mode)return k`<div class="dspyer-compare"></div>`;let o=e.mode==="runs"?Zn:ts;return k`<div class="dspyer-compare" data-mode=${e.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${e.back&&k`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${e.labels.a}</span>
      <span class="dl-label dl-b">B: ${e.labels.b}</span>
      ${e.note&&k`<span class="dl-note">${e.note}</span>`}
    </div>
    <${o} model=${r} data=${e} send=${n} GraphPane=${l} />
  </div>`}function zt({model:t,views:e,useTrait:n}){let s=n(t,"_layout")||{},a=n(t,"_picture")||{},l=n(t,"_compare")||"{}",r=A(()=>({...JSON.parse(l),picture:a,layout:s}),[l,a,s]),o=A(()=>i=>t.send(i),[t]);return k`<${de} model=${t} data=${r} send=${o} views=${e} embedded=${!1} />`}var ss="http://www.w3.org/2000/svg",et=["idle","running","retrying","done","failed","cancelled"],as=new Set(et),os="__end__",Ft={start:"start",end:"end"},qt=6,Ut=null;function ls(t){Ut??=document.createElement("canvas");let e=Ut.getContext("2d");return(n,s)=>(e.font=`${s}px ${t}`,e.measureText(n).width)}function rs(t,e){let n=[],s=new Map,a=(l,r)=>{let o=14,i=0,d=0;for(let c of l||[])c.op==="F"?o=c.size:c.op==="T"&&(i=Math.max(i,c.width),d=Math.max(d,e(c.text,o)));d>0&&r(i,d)};for(let l of t.objects||[])a(l._ldraw_,(r,o)=>n.push({id:l.name,est:r,real:o,width:+l.width,shape:l.shape}));for(let l of t.edges||[]){let r=String(l.class||"").split(/\s+/).find(o=>/^e\d+$/.test(o));r&&a(l._ldraw_,(o,i)=>s.set(r,{est:o,real:i}))}return{nodes:n,edges:s}}function is(t,e){let n=[];for(let a of e){if(a.real+qt<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let l=a.shape==="diamond"?2:1,r=a.width+l*(a.real+qt-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return t;let s=t.lastIndexOf("}");return`${t.slice(0,s)}${n.join(`
`)}
}`}async function Ht(t,e,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=ls(n),a=rs(t.renderJSON(e),s),l=t.renderSVGElement(is(e,a.nodes));for(let r of l.querySelectorAll("g.edge")){let o=[...r.classList].find(d=>a.edges.has(d)),i=o&&a.edges.get(o);if(!(!i||i.real<=i.est))for(let d of r.querySelectorAll(":scope > text"))d.setAttribute("textLength",String(i.est)),d.setAttribute("lengthAdjust","spacingAndGlyphs")}return l}function G(t){let e=[],n=[];for(let s of t.children){let a=s.localName;if(a==="ellipse"){let l=+s.getAttribute("cx"),r=+s.getAttribute("cy"),o=+s.getAttribute("rx"),i=+s.getAttribute("ry");e.push(l-o,l+o),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let o=0;o+1<r.length;o+=2)e.push(+r[o]),n.push(+r[o+1])}}return e.length?{x1:Math.min(...e),y1:Math.min(...n),x2:Math.max(...e),y2:Math.max(...n)}:null}function H(t,e){let n=document.createElementNS(ss,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function ne(t,e){let n=t.querySelector(":scope > title");n||(n=H("title",{}),t.prepend(n)),n.textContent=e}var Ee=class{constructor(e,n){this.svg=e,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,e.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of e.querySelectorAll("g.node")){let o=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,o)){let i=s[o];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),ne(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(Ft,o)?(r.setAttribute("data-marker",Ft[o]),ne(r,o.toUpperCase())):Object.hasOwn(a,o)&&(r.setAttribute("data-join",o),ne(r,a[o]))}let l=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of e.querySelectorAll("g.edge.dl-join-out")){let o=[...r.classList].find(i=>Object.hasOwn(a,i));o&&this.joinOuts.set(o,r)}for(let r of e.querySelectorAll("g.edge")){let o=[...r.classList].map(c=>l.get(c)).find(Boolean);if(!o)continue;r.setAttribute("data-edge",o.id),r.setAttribute("data-source",o.source),r.setAttribute("data-target",o.target),o.key!==null&&o.key!==void 0&&r.setAttribute("data-decision",o.key);let i=o.target===os?"END":o.target,d=o.key==null?`${o.source} → ${i}`:`${o.source} → ${i} [${o.key}]`;o.join&&r.setAttribute("data-join","true"),o.junction&&this.junctions.set(o.id,o.junction),ne(r,o.join?`${d}: ${o.join}`:d),this.edges.set(o.id,r)}}nodeGroups(){return[...this.nodes].map(([e,n])=>[e,n.group])}makeBadge(e){let n=G(e);if(!n)return null;let s=H("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=H("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),l=H("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,l),e.appendChild(s),{badge:s,rect:a,text:l}}apply(e){let n=e.status||{},s=e.visits||{},a=e.selected||"";for(let[o,i]of this.nodes){let d=as.has(n[o])?n[o]:"idle",c=Number.isFinite(s[o])?s[o]:0,u=i.group;u.getAttribute("data-status")!==d&&u.setAttribute("data-status",d),u.setAttribute("data-visits",String(c)),u.setAttribute("aria-label",c>1?`${o}: ${d}, ${c} visits`:`${o}: ${d}`),o===a?u.setAttribute("data-selected","true"):u.removeAttribute("data-selected"),this.setBadge(i,c)}let l=e.path||{};for(let[o,i]of this.edges){let d=Number.isFinite(l[o])?l[o]:0;d>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(d))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),o===e.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([o])=>l[o]>0).map(([,o])=>o));for(let[o,i]of this.joinOuts)r.has(o)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");e.heat&&this.applyHeat(e.heat)}applyHeat(e){let n=e.nodes||{};for(let[a,l]of this.nodes){let r=n[a],o=r&&r.levels?r.levels[e.measure]:void 0;l.group.setAttribute("data-heat",String(Number.isFinite(o)?o:0)),ne(l.group,r?r.title:`${a}: not run`)}let s=e.edges||{};for(let[a,l]of this.edges){let r=s[a];r?(l.setAttribute("data-count",String(r.count)),l.setAttribute("data-weight",String(r.weight))):(l.removeAttribute("data-count"),l.removeAttribute("data-weight"));let i=(l.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");ne(l,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(e,n){if(!e.badge)return;let{badge:s,rect:a,text:l}=e.badge;if(n>1){let r=`×${n}`;if(l.textContent!==r){l.textContent=r;let o=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-o/2)),a.setAttribute("width",String(o))}s.style.display=""}else s.style.display="none"}};var N=j.bind(E),P={w:420,h:150,left:34,right:10,top:10,bottom:24};function Oe(t,e,n){n==null?t.hasAttribute(e)&&t.removeAttribute(e):t.getAttribute(e)!==String(n)&&t.setAttribute(e,String(n))}function Gt(t,e){if(t)for(let n of t.querySelectorAll("g.node[data-node]")){let s=e[n.getAttribute("data-node")],a=n.querySelector(":scope > g.dl-opt-badge");if(!s){a&&a.remove();for(let o of["data-opt-demos","data-opt-candidates","data-opt-in-best"])Oe(n,o,null);continue}if(Oe(n,"data-opt-demos",s.demos),Oe(n,"data-opt-candidates",s.candidates),Oe(n,"data-opt-in-best",s.in_best),!a){let o=G(n);if(!o)continue;a=H("g",{class:"dl-opt-badge",transform:`translate(${(o.x1+o.x2)/2} ${o.y2+11})`}),a.append(H("title",{}),H("text",{"text-anchor":"middle","font-size":9})),n.appendChild(a)}let[l,r]=a.children;r.textContent!==s.text&&(r.textContent=s.text),l.textContent!==s.title&&(l.textContent=s.title)}}function ds({model:t,GraphPane:e,layout:n,picture:s}){let a=I(null),l=s.optimize&&s.optimize.nodes||{};R(()=>{let o=a.current;Gt(o,l);let i=new MutationObserver(()=>Gt(o,l));return i.observe(o,{childList:!0,subtree:!0}),()=>i.disconnect()},[l]);let r=N`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;return N`<div class="dl-opt-graph" ref=${a}>
    <${e} model=${t} layout=${n} picture=${s} legend=${r} />
  </div>`}function cs({trials:t,line:e}){let n=t.filter(d=>d.score!==null&&d.score!==void 0),s=Math.max(1,...t.map(d=>d.n)),a=Math.max(100,...n.map(d=>d.score)),l=Math.min(0,...n.map(d=>d.score)),r=d=>P.left+(P.w-P.left-P.right)*(s===1?.5:(d-1)/(s-1)),o=d=>P.top+(P.h-P.top-P.bottom)*(1-(d-l)/(a-l||1)),i=[l,(l+a)/2,a];return N`<svg class="dl-score-plot" viewBox=${`0 0 ${P.w} ${P.h}`} width=${P.w} height=${P.h}
    role="img" aria-label=${`score per trial: ${n.length} trial(s) scored`} data-trials=${t.length}>
    ${i.map(d=>N`<g class="dl-tick"><line x1=${P.left} x2=${P.w-P.right} y1=${o(d)} y2=${o(d)} />
      <text x=${P.left-4} y=${o(d)+3} text-anchor="end">${String(Math.round(d))}</text></g>`)}
    <text class="dl-axis" x=${(P.w+P.left)/2} y=${P.h-4} text-anchor="middle">trial</text>
    ${e.length>0&&N`<polyline class="dl-best-line" data-best=${String(e[e.length-1][1])}
      points=${e.map(([d,c])=>`${r(d)},${o(c)}`).join(" ")} />`}
    ${t.map(d=>d.score===null||d.score===void 0?N`<text class="dl-trial-missing" x=${r(d.n)} y=${P.h-P.bottom} text-anchor="middle"
          data-trial=${d.n} data-error=${d.error?"true":void 0}>${d.running?"…":"×"}<title>${d.running?`trial ${d.n}: running`:`trial ${d.n}: ${d.error||"no score"}`}</title></text>`:N`<circle class="dl-trial" cx=${r(d.n)} cy=${o(d.score)} r=${d.best?5:3.5} data-trial=${d.n}
          data-score=${d.score} data-on=${d.on} data-best=${d.best?"true":void 0}
          data-failed=${d.failed||void 0} data-error=${d.error?"true":void 0}>
          <title>${`trial ${d.n}: ${d.score.toFixed(1)} on ${d.examples} example(s) (${d.on}${d.kind?`, ${d.kind}`:""})${d.failed?`; ${d.failed} example run(s) failed: ${d.failure}`:""}${d.best?" · the best":""}`}</title>
        </circle>`)}
  </svg>`}function us({trials:t}){let e=t.filter(n=>n.error||n.failed);return e.length?N`<ul class="dl-trial-problems">${e.map(n=>N`<li class="dl-trial-problem" data-trial=${n.n}>
    ${`trial ${n.n}: `}${n.error?`ended with ${n.error}`:`${n.failed} example run(s) failed, first: ${n.failure}`}</li>`)}
  </ul>`:null}function ps({model:t,panel:e}){let n=e.progress||{},s=e.stop||{},a=n.fraction===null||n.fraction===void 0?null:`${100*n.fraction}%`;return N`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>t.send({type:"stop"})}>■ Stop</button>
    <span class="dl-opt-name">${e.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${n.total??void 0}
      aria-valuenow=${n.done||0} data-done=${n.done||0} data-total=${n.total??""}
      data-indeterminate=${a===null&&e.state==="optimizing"?"true":void 0}>
      <span class="dl-bar-ok" style=${{width:a??(e.state==="optimizing"?"0%":"100%")}}></span>
    </div>
    <span class="dl-status" data-phase=${e.phase}>${e.status}</span>
  </div>`}function fs({nodes:t}){return N`<div class="dl-opt-nodes">${t.map(e=>N`<div class="dl-opt-node" data-node=${e.node}
    data-changed=${e.changed?"true":"false"}>
    <div class="dl-title">${`${e.node}: ${e.changed?"new instructions":"instructions unchanged"} · demos ${e.demos_before} → ${e.demos_after}`}</div>
    <pre class="dl-value">${e.changed?N`<${Pe} ops=${e.diff} keep="-" /><br />→ <${Pe} ops=${e.diff} keep="+" />`:e.instructions}</pre>
    ${e.demos_added.length>0&&N`<ul class="dl-demos-added">${e.demos_added.map(n=>N`<li class="dl-demo-added">${n}</li>`)}${e.more_demos>0&&N`<li>${`… ${e.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`}function Wt({model:t,views:e,useTrait:n}){let s=n(t,"_layout")||{},a=n(t,"_picture")||{},l=n(t,"_optimize")||"{}",r=A(()=>JSON.parse(l),[l]),o=A(()=>c=>t.send({...c,to:"compare"}),[t]),i=r.trials||[],d=r.after;return N`<div class="dspyer-compare dspyer-optimize" data-state=${r.state||"idle"} data-phase=${r.phase||""}>
    <${ps} model=${t} panel=${r} />
    ${r.error&&N`<p class="dl-opt-error" role="alert">${r.error}</p>`}
    ${r.note&&N`<p class="dl-opt-note">${r.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${ds} model=${t} GraphPane=${e.GraphPane} layout=${s} picture=${a} />
      </div>
      <div class="dl-side">
        <${cs} trials=${i} line=${r.best_line||[]} />
        <p class="dl-hint">${`${r.best?`best ${r.best.text} (trial ${r.best.n})`:"no trial scored yet"} · filled: a whole set, hollow: a minibatch`}</p>
        <${us} trials=${i} />
      </div>
    </div>
    ${d&&N`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${fs} nodes=${d.nodes||[]} />
      <${de} model=${t} data=${d.compare} send=${o} views=${e} />
    </div>`}
  </div>`}var S=j.bind(E),tt={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function $s({send:t,table:e}){let n=e.query||{},s=r=>t({type:"table",...r}),a=(r,o)=>o.trim()!==(n[r]||"")&&s({[r]:o.trim()}),l=(r,o,i)=>S`<label class="dl-pick">${i}
    <input class=${o} type="text" size="12" value=${n[r]||""}
      onChange=${d=>a(r,d.currentTarget.value)}
      onKeyDown=${d=>d.key==="Enter"&&a(r,d.currentTarget.value)} /></label>`;return S`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.programs||[]).map(r=>S`<option value=${r}>${r}</option>`)}
        ${n.program&&!(e.programs||[]).includes(n.program)&&S`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.statuses||[]).map(r=>S`<option value=${r}>${r}</option>`)}
      </select></label>
    ${l("node","dl-f-node","visited node")}
    ${l("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function Kt({page:t,pages:e,position:n,go:s}){return S`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(t>0)} onClick=${()=>s(t-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(t+1<e)} onClick=${()=>s(t+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function _s({send:t,confirm:e}){return e?S`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${e.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>t({type:"delete-confirm"})}>Delete</button>
    <button class="dl-delete-cancel" onClick=${()=>t({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Vt({send:t,panel:e}){return S`<button class="dl-compare" disabled=${!e.can_compare} onClick=${()=>t({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function Jt({send:t,id:e,checked:n,label:s}){return S`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>t({type:"check",id:e,checked:a.currentTarget.checked})} /></td>`}function hs({send:t,panel:e}){let n=e.runs;if(!n)return null;let s=n.query||{},a=new Set(e.checked||[]),l=o=>t({type:"table",sort:o,descending:s.sort===o?!s.descending:o==="started"}),r=o=>t({type:"open",run_id:o.run_id});return S`<div class="dl-runs-list">
    <${$s} send=${t} table=${n} />
    <div class="dl-actions">
      <${Kt} page=${s.page} pages=${n.pages} position=${n.position}
        go=${o=>t({type:"table",page:o})} />
      <button class="dl-delete" disabled=${!e.can_delete} onClick=${()=>t({type:"delete"})}
        title="delete the checked runs from the store">${`Delete${a.size?` ${a.size}`:""}…`}</button>
      <${Vt} send=${t} panel=${e} />
    </div>
    <${_s} send=${t} confirm=${e.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>S`<th data-col=${o}
        aria-sort=${s.sort===o?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${tt[o]||o}`} onClick=${()=>l(o)}>
          ${tt[o]||o}${s.sort===o?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>S`<tr class="dl-run" key=${o.run_id} data-run-id=${o.run_id} data-status=${o.status}
        data-checked=${a.has(o.run_id)?"true":void 0} data-open=${e.opened===o.run_id?"true":void 0}
        data-parent=${o.parent||void 0} tabindex="0" role="button" title=${`open run ${o.run_id}`}
        onClick=${()=>r(o)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(o)}>
        <${Jt} send=${t} id=${o.run_id} checked=${a.has(o.run_id)} label=${`select run ${o.run_id}`} />
        ${n.columns.map(i=>S`<td data-col=${i} title=${i==="error"?o.error_full:void 0}>${o[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function bs({send:t,opened:e}){return e?S`<div class="dl-batch-examples" data-batch-id=${e.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${e.title}</span>
      <button class="dl-close" onClick=${()=>t({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${Kt} page=${e.page} pages=${e.pages} position=${e.position}
      go=${n=>t({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${e.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&t({type:"open",run_id:n.run_id});return S`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function ms({send:t,panel:e}){let n=e.batches;if(!n)return null;let s=n.opened,a=new Set(e.checked||[]);return S`<div class="dl-batches-list">
    <div class="dl-actions"><${Vt} send=${t} panel=${e} /></div>
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>S`<th data-col=${l}>${tt[l]||l}</th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>{let r=()=>t({type:"open-batch",batch_id:l.batch_id});return S`<tr class="dl-batch" key=${l.batch_id} data-batch-id=${l.batch_id} data-status=${l.status}
          data-open=${s&&s.batch_id===l.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(l.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${o=>o.key==="Enter"&&o.target===o.currentTarget&&r()}>
          <${Jt} send=${t} id=${l.batch_id} checked=${a.has(l.batch_id)} label=${`select batch ${l.batch_id}`} />
          ${n.columns.map(o=>S`<td data-col=${o}>${l[o]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${bs} send=${t} opened=${s} />
  </div>`}function gs({model:t,panel:e,Lab:n,run:s}){return!e.opened||!t.get("_open_panel")?null:S`<div class="dl-opened" data-run-id=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${e.opened}`}</span>
      ${!e.forkable&&S`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>t.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function vs({model:t,views:e,useTrait:n}){let s=n(t,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),l=A(()=>r=>t.send({...r,to:"compare"}),[t]);return a?S`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${de} model=${t} data=${a} send=${l} views=${e} />
  </div>`:null}function Xt({model:t,views:e,useTrait:n}){let{Lab:s}=e,a=n(t,"_panel")||"{}";n(t,"_open_panel");let l=A(()=>JSON.parse(a),[a]),r=A(()=>Ae(t,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[t]),o=u=>t.send(u),i=l.mode||"runs",d=i==="runs"?(l.runs||{}).total:(l.batches||{}).total,c=(u,f)=>S`<button class="dl-mode" data-mode=${u} aria-pressed=${u===i?"true":"false"}
    onClick=${()=>o({type:"mode",mode:u})}>${f}</button>`;return S`<div class="dspyer-runs" data-mode=${i} data-count=${d??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${c("runs","Runs")}${c("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>o({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${l.store||""}>${l.store||""}</span>
      <span class="dl-notice">${l.notice||""}</span>
    </div>
    ${i==="runs"?S`<${hs} send=${o} panel=${l} />`:S`<${ms} send=${o} panel=${l} />`}
    <${vs} model=${t} views=${e} useTrait=${n} />
    <${gs} model=${t} panel=${l} Lab=${s} run=${r} />
  </div>`}function ce(t,e,n,{cls:s,attr:a,place:l,show:r}){let o=n||{};for(let[i,d]of t){let c=Object.hasOwn(o,i)?o[i]:null,u=e.get(i);if(!c){u&&u.box.remove(),e.delete(i),d.removeAttribute(a);continue}if(!u){let y=l(d);if(!y)continue;u=ys(d,s,y),e.set(i,u)}let{value:f,label:p,hint:b}=r(c,d);d.setAttribute(a,String(f)),u.label.textContent!==p&&(u.label.textContent=p),u.title.textContent!==b&&(u.title.textContent=b)}}function ys(t,e,{x:n,y:s,anchor:a}){let l=H("g",{class:e}),r=H("title",{}),o=H("text",{x:n,y:s,"text-anchor":a,"font-size":9});return l.append(r,o),t.appendChild(l),{box:l,title:r,label:o}}var x=j.bind(E),ks=24;function Zt({message:t,full:e,Cell:n}){let[s,a]=C(!!t.open);return R(()=>a(!!t.open),[t.open,t.size,t.role]),x`<details class="dl-msg" data-role=${t.role} open=${s}
    onToggle=${l=>a(l.currentTarget.open)}>
    <summary><span class="dl-role">${t.role}</span>${" "}<span class="dl-size">${t.size}</span></summary>
    ${s&&x`<pre class="dl-pre"><${n} cell=${t.text} full=${e} /></pre>`}
  </details>`}function en({stream:t}){let e=I(null),n=I(!0);R(()=>{let a=e.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[t.text]);let s=a=>{let l=a.currentTarget;n.current=l.scrollHeight-l.scrollTop-l.clientHeight<ks};return x`<div class="dl-stream-box">
    <div class="dl-stream-head">${t.field}${t.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${e} onScroll=${s} data-field=${t.field}
      data-live=${t.live?"true":"false"}>${t.text}</pre>
  </div>`}function tn({text:t}){return t?x`<span class="dl-run-calls" title=${t}>${t}</span>`:null}function nn(t,e){ce(t.nodeGroups(),t.notes.calls,e,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var Yt=0;function xs({passed:t,errors:e}){let n=(e||[]).length;return x`<div class="dl-verdict" data-pass=${t?"true":"false"}>${t?"✓ passes the node's contract":`✗ rejected: ${n} error${n===1?"":"s"}`}</div>`}function ws({fields:t,Cell:e,full:n}){return!t||!t.length?x`<div class="dl-note">no field could be read from the answer</div>`:x`<table class="dl-table dl-pg-fields"><tbody>${t.map(s=>x`<tr
      data-field=${s.name} data-invalid=${s.errors.length?"true":void 0}>
    <th scope="row">${s.name}</th>
    <td><${e} cell=${s.value} full=${n} />${s.errors.map(a=>x`<div class="dl-pg-field-error">${a}</div>`)}</td>
  </tr>`)}</tbody></table>`}function Qt({model:t,pg:e,variant:n,label:s,Cell:a,full:l}){let r=n,o=r.errors?r.errors.filter(i=>!(r.fields||[]).some(d=>d.errors.includes(i.replace(/^- /,"")))):[];return x`<div class="dl-pg-card" data-variant=${r.id??"original"} data-pending=${r.pending?"true":void 0}>
    <div class="dl-pg-card-head"><b>${s}</b>${" · "}<span class="dl-pg-model" title=${r.model}>${r.model}</span>
      ${r.id!==void 0&&x`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${()=>t.send({type:"drop-variant",variant:r.id})}>✕</button>`}</div>
    ${r.pending&&x`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${r.error&&x`<div class="dl-edit-error" role="alert">${r.error}</div>`}
    ${r.passed!==void 0&&x`<${xs} passed=${r.passed} errors=${r.errors} />`}
    ${r.fields&&x`<${ws} fields=${r.fields} Cell=${a} full=${l} />`}
    ${o.map(i=>x`<div class="dl-pg-field-error">${i}</div>`)}
    ${r.completion!==void 0&&x`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${a} cell=${r.completion} full=${l} /></pre></details>`}
    ${r.facts&&x`<div class="dl-facts">${r.facts.join(" · ")}</div>`}
    ${r.passed!==void 0&&r.id!==void 0&&x`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!r.can_use||!e.available}
        title=${r.can_use?"Give the program's node these instructions (and demos)":"Raw messages: no instructions to use"}
        onClick=${()=>t.send({type:"use-instructions",variant:r.id})}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!r.can_use||!e.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${()=>t.send({type:"fork-with",variant:r.id})}>Fork from here with them</button>
    </div>`}
  </div>`}function Ss({model:t,pg:e}){let n=e.editor,[s,a]=C("structured"),[l,r]=C(()=>n.messages.map($=>({...$}))),[o,i]=C(n.instructions),[d,c]=C(n.demos),[u,f]=C(()=>({...n.inputs})),[p,b]=C(""),y=($,_)=>Math.min(_,Math.max(2,String($).split(`
`).length)),v=($,_)=>$===_?null:$,m=()=>t.send(s==="messages"?{type:"resend",id:++Yt,call:e.call,mode:s,model:p,messages:l.map(($,_)=>$.content===n.messages[_].content?null:$)}:{type:"resend",id:++Yt,call:e.call,mode:s,model:p,instructions:v(o,n.instructions),demos:v(d,n.demos),inputs:Object.fromEntries(Object.entries(u).filter(([$,_])=>_!==n.inputs[$]))});return x`<div class="dl-pg-editor" data-mode=${s}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${e.call}`} checked=${s==="structured"}
        onChange=${()=>a("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${e.call}`} checked=${s==="messages"}
        onChange=${()=>a("messages")} /> raw messages</label>
    </div>
    ${s==="structured"?x`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${y(o,10)} value=${o}
          onInput=${$=>i($.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${y(d,8)} value=${d} onInput=${$=>c($.currentTarget.value)}></textarea></label>
        ${Object.keys(u).map($=>x`<label class="dl-pg-label" data-input=${$}>${$} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${y(u[$],6)} value=${u[$]}
          onInput=${_=>f({...u,[$]:_.currentTarget.value})}></textarea></label>`)}
      </div>`:x`<div class="dl-pg-messages">${l.map(($,_)=>x`<label class="dl-pg-label" data-role=${$.role}>
        ${$.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${y($.content,12)}
          value=${$.content} onInput=${g=>r(l.map((D,L)=>L===_?{...D,content:g.currentTarget.value}:D))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${p}
        onChange=${$=>b($.currentTarget.value)}>
        ${e.models.map($=>x`<option value=${$.value}>${$.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!e.available} title=${e.why||"Send this call to the model"}
        onClick=${m}>Send</button>
    </div>
    ${e.error&&x`<div class="dl-edit-error" role="alert">${e.error}</div>`}
  </div>`}function sn({model:t,pg:e,Cell:n,full:s}){if(!e)return null;let a=!!(e.editing&&e.editor),l=()=>t.send({type:"resend-editor",call:e.call,open:!a});return x`<div class="dl-pg" data-call=${e.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${a?"true":"false"} disabled=${e.available===!1&&!a}
        title=${e.why||"Edit this call and send it again"} onClick=${l}>${a?"Close the editor":"✎ Edit and send again"}</button>
      ${e.version&&x`<span class="dl-pg-version" title=${e.version}>${e.version}</span>`}
    </div>
    ${a&&x`<${Ss} key=${e.call} model=${t} pg=${e} />`}
    ${e.original&&(a||e.variants.length>0)&&x`<div class="dl-pg-variants">
      <${Qt} model=${t} pg=${e} variant=${e.original} label="original" Cell=${n} full=${s} />
      ${e.variants.map((r,o)=>x`<${Qt} key=${r.id} model=${t} pg=${e} variant=${r}
        label=${`variant ${o+1}`} Cell=${n} full=${s} />`)}
    </div>`}
  </div>`}var B=j.bind(E);function an({title:t,fields:e,edits:n,setEdits:s,error:a,next:l}){return B`<div class="dl-state">
    <div class="dl-state-title">${t}</div>
    ${a&&!a.field&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${e.map(r=>{let o=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,d=a&&a.field===r.name,c=Math.min(8,Math.max(1,o.split(`
`).length));return B`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${d?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${l}'`:""}>${r.name}${r.reads?B`<span class="dl-reads"> · read by ${l}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${c} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${d?"true":"false"} value=${o}
            onInput=${u=>s({...n,[r.name]:u.currentTarget.value})}></textarea>
          ${d&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function Cs(t,e){let n={};for(let s of t)Object.hasOwn(e,s.name)&&e[s.name]!==s.text&&(n[s.name]=e[s.name]);return n}function As({model:t,list:e,enabled:n}){if(!n&&!e.length)return null;let s=a=>t.send({type:"breakpoint",node:a.node,when:a.when});return B`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!e.length&&B`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${e.map(a=>B`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${e.length>1&&B`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>e.forEach(s)}>clear all</button>`}
  </span>`}function Ts(t,e){if(t&&Array.isArray(t.breakpoints))return t.breakpoints;let n=e||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function on({model:t,debug:e,breakpoints:n}){let s=e||{},a=s.paused,l=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||l&&l.key||"",[o,i]=C({});te(()=>i({}),[r]);let d=s.runs,c=(f,p)=>t.send({type:f,update:Cs(p||[],o)}),u=l&&l.editing;return B`<div class="dl-debug" data-mode=${a?"paused":u?"fork":"idle"}>
    <div class="dl-debug-row">
      ${a&&B`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&B`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>c("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>c("step",a.fields)}>Step ▸</button>`}
      ${l&&!u&&B`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>t.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${l.note||""}>${l.note}</span>`}
      ${u&&B`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>c("fork",l.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>t.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${l.note||""}>${l.note}</span>`}
      ${d&&B`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!d.enabled} value=${String(d.value??-1)}
          onChange=${f=>t.send({type:"show-run",index:+f.currentTarget.value})}>
          ${d.options.map(f=>B`<option value=${String(f.value)}>${f.label}</option>`)}
        </select></label>`}
      ${s.diff&&B`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${As} model=${t} list=${Ts(e,n)} enabled=${!!s.can_break} />
    </div>
    ${a&&B`<${an} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${o} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${u&&B`<${an} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${l.fields||[]} edits=${o} setEdits=${i} error=${s.error} next=${l.next} />`}
    ${!a&&!u&&s.error&&B`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var Ms="http://www.w3.org/2000/svg",rn=["before","after"],nt={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function Z(t,e){let n=document.createElementNS(Ms,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function ln(t,e){let n=t.querySelector(":scope > title");n||(n=Z("title",{}),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function dn(t,e){t.debug=new Map;for(let[n,s]of t.nodes){let a=e(s.group);if(!a)continue;let l={};for(let o of rn){let i=o==="before"?a.y1+1:a.y2-1,d=Z("g",{class:"dl-bp","data-when":o,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});d.append(Z("circle",{class:"dl-bp-hit",r:9}),Z("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(d),l[o]=d}let r=Z("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(Z("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),Z("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),t.debug.set(n,{pins:l,badge:r})}}function je(t,e,n,s){if(!t.debug)return;let a=e.paused||null,l=e.diff||{},r=new Set(e.inherited||[]);for(let[o,{pins:i,badge:d}]of t.debug){let c=t.nodes.get(o).group;for(let f of rn){let p=(n&&n[f]||[]).includes(o),b=i[f];p?b.setAttribute("data-on","true"):b.removeAttribute("data-on"),b.style.display=s||p?"":"none",ln(b,`${p?"Breakpoint: pause":"Click to pause"} ${f} '${o}'${p?" (click to clear)":""}`)}r.has(o)?c.setAttribute("data-inherited","true"):c.removeAttribute("data-inherited"),a&&a.node===o?c.setAttribute("data-paused",String(a.when)):c.removeAttribute("data-paused");let u=Object.hasOwn(l,o)&&Object.hasOwn(nt,l[o])?l[o]:null;u?(c.setAttribute("data-diff",u),d.querySelector("text").textContent=nt[u][0],ln(d,nt[u][1]),d.style.display=""):(c.removeAttribute("data-diff"),d.style.display="none")}}function cn(t,e){let n=t.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!e.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var Ne=j.bind(E);function un(t,e){ce(t.nodeGroups(),t.notes.progress,e,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function pn(t,e){ce(t.edges,t.notes.sends,e,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=G({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function fn({rows:t,onSelect:e}){return Ne`<ul class="dl-instances">
    ${t.map(n=>Ne`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>e(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&Ne`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&Ne`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var se=j.bind(E),Ps=8,$n=3;function _n(t,e,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(t-n)/a}%, calc(100% - ${$n}px))`,width:`${100*(e-t)/a}%`,minWidth:`${$n}px`}}function Es({call:t,bar:e}){let n=_n(t.start,t.end,e.start,e.end);return se`<span class="dl-call" data-attempt=${t.attempt??""} data-outcome=${t.outcome}
    style=${n} title=${t.hint}></span>`}function Os({bar:t,span:e,selected:n,onSelect:s}){let a=_n(t.start,t.end,e[0],e[1]);return se`<div class="dl-bar" role="button" tabindex="0" data-visit=${t.visit} data-node=${t.node}
    data-task=${t.task||void 0} data-status=${t.status} data-live=${t.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${t.hint}
    onClick=${()=>s(t.visit)} onKeyDown=${l=>l.key==="Enter"&&s(t.visit)}>
    ${t.calls.map(l=>se`<${Es} call=${l} bar=${t} />`)}
    <span class="dl-bar-label">${t.node}</span>
  </div>`}function hn({model:t,body:e}){let n=e.span||[0,0],s=l=>t.send({type:"select",visit:l}),a=e.bars||[];return se`<div class="dl-waterfall">
    <div class="dl-scope">${e.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*Ps}px`}}>
      ${(e.lanes||[]).map((l,r)=>se`<div class="dl-lane" data-lane=${l.lane}>
        <span class="dl-lane-label" title=${l.label}>${l.label}</span>
        <div class="dl-lane-track">
          ${a.filter(o=>o.lane===r).map(o=>se`<${Os} bar=${o} span=${n}
            selected=${o.visit===e.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var st=j.bind(E),js=["1","2","5","every"],Ns=3e3;function ue(t,e){return e<=0?0:t[Math.min(e,t.length)-1]}function Bs(t,e){let n={key:"",t:[],steps:[]},s=0,a=!1,l=null,r=null,o=null,i={speed:1,every:null},d=()=>n.t.length,c=()=>e({playing:a,pos:s,ms:ue(n.t,s),total:ue(n.t,d())}),u=()=>{r!==null&&clearTimeout(r),r=null},f=m=>{let $=m-o.wall;if(i.every){let T=Math.min(n.steps.length-1,o.step+Math.floor($/(i.every*1e3))),q=T<0?d():n.steps[T],fe=T+1<n.steps.length?(T+1-o.step)*i.every*1e3-$:null;return{p:Math.max(q,o.p),next:fe}}let _=o.ms+$*i.speed,g=o.p,D=d();for(;g<D;){let T=g+D+1>>1;ue(n.t,T)<=_?g=T:D=T-1}let L=g<d()?(ue(n.t,g+1)-_)/i.speed:null;return{p:g,next:L}},p=m=>{s=m,c();let $=l=Promise.race([t.show(m),new Promise(_=>setTimeout(_,Ns))]);$.then(()=>{l===$&&(l=null,a&&b())})},b=()=>{if(u(),!a)return;let{p:m,next:$}=f(performance.now());if(l===null&&m!==s&&p(m),l===null&&m>=d()){a=!1,c();return}$!==null&&(r=setTimeout(b,Math.max(0,$)))},y=m=>n.steps.findIndex($=>$>m),v={get playing(){return a},get pos(){return s},update(m,$){let _=m||{key:"",t:[],steps:[]};_.key!==n.key&&v.pause(),n=_,!a&&l===null&&Number.isInteger($)&&(s=$)},play(m={}){if(!d())return;(m.speed||m.every)&&(i={speed:m.speed||1,every:m.every||null}),u();let $=s;$>=d()&&($=0,p(0)),o={wall:performance.now(),ms:ue(n.t,$),p:$,step:y($)},a=!0,c(),l===null&&b()},pause(){u(),a&&(a=!1,c())},toggle(m){a?v.pause():v.play(m)},step(m){v.pause();let $=[0,...n.steps],_=s;for(let g=0;g<Math.abs(m);g+=1){let D=m>0?$.find(L=>L>_):$.findLast(L=>L<_);if(D===void 0)break;_=D}_!==s&&p(_)},dispose(){a=!1,u()}};return v}function bn({player:t,state:e,mode:n,setMode:s}){let a=()=>n.speed==="every"?{every:n.every}:{speed:+n.speed},l=o=>(o/1e3).toFixed(1),r=o=>o.preventDefault();return st`<span class="dl-player" data-playing=${e.playing?"true":"false"} data-pos=${e.pos}>
    <button class="dl-step-back" onMouseDown=${r} title="Back one graph step (←)" aria-label="back one step"
      onClick=${()=>t.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${r} title=${e.playing?"Pause (space)":"Play the run as it happened (space)"}
      aria-label=${e.playing?"pause":"play"} onClick=${()=>t.toggle(a())}>${e.playing?"⏸":"▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${r} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${()=>t.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${n.speed}
      onChange=${o=>{let i={...n,speed:o.currentTarget.value};s(i),t.playing&&t.play(i.speed==="every"?{every:i.every}:{speed:+i.speed})}}>
      ${!js.includes(n.speed)&&st`<option value=${n.speed}>${n.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${n.speed==="every"&&st`<input class="dl-every" type="number" min="0.1" step="0.5" value=${n.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${o=>{let i=Math.max(.1,+o.currentTarget.value||1);s({...n,every:i}),t.playing&&t.play({every:i})}} />`}
    <span class="dl-play-time">${l(e.ms)} / ${l(e.total)} s</span>
  </span>`}function mn(t,e,n){let s=I(null),[a,l]=C({playing:!1,pos:0,ms:0,total:0}),[r,o]=C({speed:"1",every:2}),i=I(null);i.current===null&&(i.current=Bs({show:u=>new Promise(f=>{s.current&&s.current.resolve(),s.current={p:u,resolve:f},t.send({type:"seek",step:u})})},l));let d=i.current,c=e?e.value:null;return te(()=>d.update(e?n:null,c),[e,n]),R(()=>{let u=s.current;u&&u.p===c&&(s.current=null,u.resolve())},[c]),R(()=>{e||d.pause()},[!!e]),R(()=>{let u=f=>{if(!(!f||f.type!=="player"))if(f.do==="play"){let p=typeof f.every=="number"?f.every:null,b=typeof f.speed=="number"?f.speed:1;o(p?{speed:"every",every:p}:y=>({...y,speed:String(b)})),d.play(p?{every:p}:{speed:b})}else f.do==="pause"?d.pause():f.do==="step"&&d.step(f.by||1)};return t.on("msg:custom",u),()=>{t.off("msg:custom",u),d.dispose()}},[t]),{player:d,state:a,mode:r,setMode:o}}function gn(t,e,n){if(n.defaultPrevented||n.altKey||n.ctrlKey||n.metaKey)return;let s=n.target;if(s&&s.closest&&s.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)"))return;let a=e.speed==="every"?{every:e.every}:{speed:+e.speed};if(n.key===" ")t.toggle(a);else if(n.key==="ArrowLeft")t.step(-1);else if(n.key==="ArrowRight")t.step(1);else return;n.preventDefault()}var h=j.bind(E),Ds=new Set(["finished","failed","cancelled"]);function F(t,e){let[n,s]=C(()=>t.get(e));return R(()=>{let a=()=>s(t.get(e));return t.on(`change:${e}`,a),a(),()=>t.off(`change:${e}`,a)},[t,e]),n}var Rs=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function Ls({debug:t,joins:e,sends:n}){return h`<div class="dl-legend" aria-label="legend">
    ${et.map(s=>h`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${e&&h`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&h`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${t&&Rs.map(([s,a])=>h`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function Is({svg:t,stalled:e}){if(!t)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(t)}`;return h`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${e&&h`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var rt=new WeakMap,zs=40,Fs=600;function qs(t){let e=[],n=()=>{let s=(t.get("_picture")||{}).status;if(!s)return;let a=e[e.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(e.push(s),e.length>zs&&e.splice(1,1))};n(),t.on("change:_picture",n),rt.set(t,{seen:e,stop:()=>t.off("change:_picture",n)})}function Us(t){let e=rt.get(t);return e?(e.stop(),rt.delete(t),e.seen.length>1?e.seen:[]):[]}async function Hs(t,e,n,s){if(!e.length)return;let a=Fs/e.length;for(let l of e){if(!s())return;t.apply({...n.current,status:l}),await new Promise(r=>setTimeout(r,a))}}function at(t,e){nn(t,e.calls),un(t,e.progress),pn(t,e.sends)}function ae({model:t,layout:e,picture:n,debug:s,legend:a}){let l=I(null),r=I(null),o=I(n),i=I(n.run_state),[d,c]=C(""),[u,f]=C(!1),[p,b]=C(!1),y=F(t,"_still")||"";o.current=n;let v=I(s);v.current=s,R(()=>{let _=setTimeout(()=>b(Ot()),Qe);return()=>clearTimeout(_)},[]),R(()=>{let _=!0;if(r.current=null,!!e.dot)return(async()=>{try{let g=await Ze(t),D=getComputedStyle(l.current).fontFamily,L=await Ht(g,e.dot,D);if(!_)return;let T=new Ee(L,e),q=Us(t);if(T.apply(q.length?{...o.current,status:q[0]}:o.current),v.current&&(dn(T,G),je(T,o.current,v.current.breakpoints,v.current.enabled)),l.current.replaceChildren(L),at(T,o.current),f(!0),c(""),await Hs(T,q,o,()=>_),!_)return;T.apply(o.current),v.current&&je(T,o.current,v.current.breakpoints,v.current.enabled),at(T,o.current),r.current=T,requestAnimationFrame(()=>Ce(t,L))}catch(g){_&&c(`Could not lay out the graph: ${g&&g.message?g.message:g}`)}})(),()=>{_=!1}},[e.dot]),R(()=>{let _=r.current;if(!_)return;_.apply(n),at(_,n);let g=n.run_state;g!==i.current&&Ds.has(g)&&requestAnimationFrame(()=>Ce(t,_.svg)),i.current=g},[n]),R(()=>{r.current&&s&&je(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let m=_=>{let g=s&&s.enabled?cn(_,l.current):null;if(g){if(_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault(),t.send({type:"breakpoint",node:g.node,when:g.when});return}let D=_.target.closest?.("g.node[data-node]");if(!D||!l.current.contains(D)||_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault();let L=D.getAttribute("data-node");t.send({type:"select",node:n.selected===L?"":L})},$=n.run_state||"idle";return h`<div class="dspyer-graphview" data-run-state=${$}>
    <div class="dl-caption">${$==="idle"?"":$}</div>
    ${!u&&h`<${Is} svg=${y} stalled=${p} />`}
    <div class="dl-stage" ref=${l} onClick=${m} onKeyDown=${m}></div>
    ${d&&h`<pre class="dl-error">${d}</pre>`}
    ${a||h`<${Ls} debug=${!!s} joins=${Object.keys(e.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function Gs({model:t}){let e=F(t,"_layout")||{},n=F(t,"_picture")||{};return h`<${ae} model=${t} layout=${e} picture=${n} />`}function Ws(t){let[e,n]=C({});return R(()=>{let a=l=>{!l||l.type!=="full-text"||typeof l.handle!="string"||n(r=>({...r,[l.handle]:String(l.text??"")}))};return t.on("msg:custom",a),()=>t.off("msg:custom",a)},[t]),{texts:e,ask:a=>{Object.hasOwn(e,a)||t.send({type:"full-text",handle:a})}}}function Re({cell:t,full:e}){if(typeof t=="string"||t===null||t===void 0)return String(t??"");let n=e.texts[t.full];return n!==void 0?n:h`<span class="dl-clipped">${t.text}<button class="dl-more" title="show the full value"
    onClick=${()=>e.ask(t.full)}>show all</button></span>`}function Ks({block:t,full:e}){let[n,s]=C(!1);R(()=>{n&&e.ask(t.full)},[n,t.full]);let a=e.texts[t.full];return h`<details class="dl-fold" open=${n} onToggle=${l=>s(l.currentTarget.open)}>
    <summary>${t.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function Vs({table:t,full:e}){let n=new Set(t.changed||[]);return h`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${t.head.map(s=>h`<th>${s}</th>`)}</tr></thead>
    <tbody>${t.rows.map((s,a)=>h`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((l,r)=>r===0?h`<th scope="row">${l}</th>`:h`<td><${Re} cell=${l} full=${e} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Be({blocks:t,full:e,onSelect:n}){return(t||[]).map(s=>s.facts?h`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?h`<div class="dl-title">${s.title}</div>`:s.note!==void 0?h`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?h`<pre class="dl-pre"><${Re} cell=${s.pre} full=${e} /></pre>`:s.table?h`<${Vs} table=${s.table} full=${e} />`:s.fold!==void 0?h`<${Ks} block=${s} full=${e} />`:s.message?h`<${Zt} message=${s.message} full=${e} Cell=${Re} />`:s.stream?h`<${en} stream=${s.stream} />`:s.instances&&n?h`<${fn} rows=${s.instances} onSelect=${n} />`:null)}function ot({label:t,picker:e,onPick:n}){if(!e)return null;let s=e.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(e.value));return h`<label class="dl-pick">${t}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(e.options[+a.currentTarget.value].value)}>
      ${s<0&&h`<option value="-1">—</option>`}
      ${e.options.map((a,l)=>h`<option value=${String(l)}>${a.label}</option>`)}
    </select></label>`}function Js({model:t,toolbar:e,play:n,presenter:s}){let a=e||{},l=a.stop||{},r=a.replay,o=!l.enabled&&a.run_state==="running"&&l.hint,i=F(t,"_store_note")||"",d=n.state.playing;return h`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${l.shown&&h`<button class="dl-stop" disabled=${!l.enabled} title=${l.hint||""}
        onClick=${()=>t.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[a.status,i].filter(Boolean).join(`
`)}
        data-stored=${i||void 0}>${a.status||""}</span>
      ${o&&h`<span class="dl-stop-hint" title=${l.hint}>${l.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${s?"true":"false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${()=>t.send({type:"presenter-mode",on:!s})}>${s?"✕ Presenter":"Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${tn} text=${a.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${r&&h`<${bn} player=${n.player} state=${n.state} mode=${n.mode}
          setMode=${n.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${r.max} value=${d?n.state.pos:r.value}
          onInput=${c=>{n.player.pause(),t.send({type:"seek",step:+c.currentTarget.value})}} /></label>
        <span class="dl-replay-note" title=${r.note||""}>${r.note}</span>`}
    </div>
  </div>`}function Xs({info:t}){return h`<div class="dl-essentials" data-node=${t.node||void 0} data-status=${t.status||void 0}>
    ${t.node?h`<div class="dl-ess-head"><span class="dl-ess-node">${t.node}</span>
      <span class="dl-ess-facts">${t.facts}</span></div>`:h`<div class="dl-ess-note">${t.note}</div>`}
    ${t.read&&t.read.length>0&&h`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${t.read.map(([e,n])=>h`<div class="dl-ess-field"><span class="dl-ess-key">${e}</span>${" "}<span
        class="dl-ess-value">${n}</span></div>`)}</section>`}
    ${t.said&&h`<section class="dl-ess-said"><div class="dl-ess-title">${t.said.title}</div>
      <pre class="dl-ess-text">${t.said.text}</pre></section>`}
    ${t.rejected&&t.rejected.length>0&&h`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${t.rejected.map(e=>h`<div class="dl-ess-reject"><b>${e.attempt}</b> · ${e.fields} · ${e.retry}
        <pre class="dl-ess-text">${e.text}</pre></div>`)}</section>`}
  </div>`}function Ys({model:t,timeline:e}){if(!e||!e.rows)return null;let n=a=>t.send({type:"page",offset:a}),s=e.rows.length||1;return h`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!e.older} onClick=${()=>n(e.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!e.newer} onClick=${()=>n(Math.max(0,e.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!e.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${e.position}>${e.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${e.rows.map(a=>h`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>t.send({type:"select",event:a.i})}
        onKeyDown=${l=>l.key==="Enter"&&t.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var Qs=["node","calls","validation","result","error","waterfall"];function De(t){return t?JSON.parse(t):{}}function Zs(t){return t&&typeof t.id=="string"?{[t.id]:t}:{}}function ea(t){let e=t.get("_head")!==void 0,n=F(t,e?"_head":"_panel"),s=F(t,e?"_timeline":"_panel"),a=F(t,e?"_tab":"_panel"),l=A(()=>e?null:De(n),[e,n]),r=A(()=>l?l.head||{}:De(n),[l,n]),o=A(()=>l?l.timeline:De(s),[l,s]),i=A(()=>Zs(l?l.tab:De(a)),[l,a]),d=I({});return d.current={...d.current,...i},{head:r,timeline:o,bodies:d.current}}var lt=new WeakMap;function ta({model:t,head:e,bodies:n,full:s}){let a=e.focus||{},[l,r]=C(()=>{let c=lt.get(t);return c&&c.n===a.n?c.tab:a.tab||"node"}),o=(c,u)=>{lt.set(t,{tab:c,n:a.n}),r(c),u&&t.send({type:"tab",tab:c})};te(()=>{let c=lt.get(t);c&&c.n===a.n||o(a.tab||l,!1)},[a.n]);let i=n[l],d=(c,u)=>u?c==="node"?h`<${ot} label="visit" picker=${u.visits}
        onPick=${f=>t.send({type:"select",visit:f})} />
      <${Be} blocks=${u.blocks} full=${s} onSelect=${f=>t.send({type:"select",visit:f})} />`:c==="calls"?h`<div class="dl-scope">${u.scope}</div>
      <${ot} label="call" picker=${u.calls} onPick=${f=>t.send({type:"call",index:f})} />
      <${sn} model=${t} pg=${e.debug&&e.debug.playground} Cell=${Re} full=${s} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="validation"?h`<div class="dl-scope">${u.scope}</div>
      <${ot} label="attempt" picker=${u.attempts}
        onPick=${f=>t.send({type:"attempt",key:f})} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="waterfall"?h`<${hn} model=${t} body=${u} />`:h`<${Be} blocks=${u.blocks} full=${s} />`:h`<div class="dl-note">loading…</div>`;return h`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(e.tabs||[]).map(c=>h`<button class="dl-tab" role="tab" data-tab=${c.id}
        data-alert=${c.alert?"true":void 0} aria-selected=${c.id===l?"true":"false"}
        onClick=${()=>o(c.id,!0)}>${c.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${l}>${Qs.includes(l)?d(l,i):null}</div>
  </div>`}function pe({model:t}){let e=F(t,"_layout")||{},n=F(t,"_picture")||{},{head:s,timeline:a,bodies:l}=ea(t),r=Ws(t),o=F(t,"breakpoints"),i=A(()=>({breakpoints:o,enabled:!!(s.debug&&s.debug.can_break)}),[o,s.debug&&s.debug.can_break]),d=s.toolbar&&s.toolbar.run_state||n.run_state||"idle",c=F(t,"_play"),u=A(()=>s.play||(c?JSON.parse(c):null),[s.play,c]),f=mn(t,s.toolbar&&s.toolbar.replay,u),p=s.presenter;return h`<div class="dspyer-lab" data-run-state=${d} data-presenter=${p?"true":void 0}
      data-playing=${f.state.playing?"true":void 0} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${b=>s.toolbar&&s.toolbar.replay&&gn(f.player,f.mode,b)}>
    <${Js} model=${t} toolbar=${s.toolbar} play=${f} presenter=${!!p} />
    <${on} model=${t} debug=${s.debug} breakpoints=${o} />
    <div class="dl-body">
      <div class="dl-main">
        <${ae} model=${t} layout=${e} picture=${n} debug=${i} />
        <${Ys} model=${t} timeline=${a} />
      </div>
      ${p&&h`<${Xs} info=${p} />`}
      <${ta} model=${t} head=${s} bodies=${l} full=${r} />
    </div>
  </div>`}function na({model:t}){Ze(t).catch(()=>{}),qs(t)}function sa({model:t}){return h`<${Bt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function aa({model:t}){return h`<${Xt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function oa({model:t}){return h`<${zt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function la({model:t}){return h`<${Wt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function ra({model:t,el:e}){let n={lab:pe,batch:sa,runs:aa,compare:oa,optimize:la}[t.get("_kind")]||Gs;return We(h`<${n} model=${t} />`,e),()=>We(null,e)}var So={initialize:na,render:ra};export{So as default};
